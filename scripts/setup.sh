#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project (extras given as arguments).
# With the test extra, also install Debian's chromium for the browser tests when this machine
# can (as root, with apt-get), or say the one command that does.
# Usage: bash scripts/setup.sh [extra,...]
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidates=("${PYTHON:-}" python3.13 python3.12 python3 python)
  if command -v pyenv >/dev/null 2>&1; then
    local root
    root=$(pyenv root)
    for p in "$root"/versions/3.1[2-9]*/bin/python3; do candidates+=("$p"); done
  fi
  for p in "${candidates[@]}"; do
    [ -n "$p" ] || continue
    if works "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! works .venv/bin/python; then
  py=$(find_python) || { echo "error: no Python >= 3.12 found; install one or set PYTHON=/path/to/python3.12" >&2; exit 2; }
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
stamp=".venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-${extras:-none}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet -e "$spec"
  touch "$stamp"
fi

# The browser tests drive Debian's chromium, never a browser that a test tool downloads.
chromium=/usr/bin/chromium
if [[ ",$extras," == *,test,* ]] && [ ! -x "$chromium" ]; then
  install="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests" >&2
    bash -c "$install" >/dev/null || echo "warning: could not install chromium; the browser tests will be skipped" >&2
  else
    echo "note: the browser tests need $chromium and are skipped without it; install it with:" \
      "sudo sh -c 'apt-get update && apt-get install -y chromium'" >&2
  fi
fi
