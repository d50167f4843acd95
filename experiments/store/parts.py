"""One part of a results folder: its bytes, the metadata it carries, and its checksum.

A part is the Parquet file of one dataset of one finished chunk of runs. It carries, in its
Parquet key-value metadata, the hash of the config that made it (``diplomacy.config_hash``),
its dataset (``diplomacy.dataset``) and its runs' keys (``diplomacy.runs``, a JSON list of
``[scenario, design_point, replicate]``); nothing that depends on time or place, so the same
config and seed give the same bytes. Every page carries a CRC checksum, and the manifest holds
the sha256 of the whole file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from experiments.store.layout import RunKey

META_HASH, META_DATASET, META_RUNS = (
    b"diplomacy.config_hash",
    b"diplomacy.dataset",
    b"diplomacy.runs",
)


def encode_parquet(table: pa.Table) -> bytes:
    """A table as the bytes of a Parquet file, with a CRC checksum in every page header."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, write_page_checksum=True)
    return sink.getvalue().to_pybytes()


def part_metadata(config_hash: str, dataset: str, runs: Iterable[RunKey]) -> dict[bytes, bytes]:
    """The key-value metadata of a part: its config hash, dataset and runs' keys."""
    keys = [[str(s), int(d), int(r)] for s, d, r in runs]
    return {
        META_HASH: config_hash.encode(),
        META_DATASET: dataset.encode(),
        META_RUNS: json.dumps(keys, separators=(",", ":")).encode(),
    }


def encode_part(table: pa.Table, config_hash: str, dataset: str, runs: Iterable[RunKey]) -> bytes:
    """The bytes of a part: `table` with its part metadata (any other metadata dropped)."""
    return encode_parquet(table.replace_schema_metadata(part_metadata(config_hash, dataset, runs)))


@dataclass(frozen=True)
class PartInfo:
    """What a part's metadata says about it."""

    config_hash: str
    dataset: str
    runs: tuple[RunKey, ...]


def read_part_info(path: Path) -> PartInfo | None:
    """The metadata of a part, or None when the file has no readable part metadata."""
    try:
        meta = pq.read_metadata(path).metadata or {}
        runs = tuple((str(s), int(d), int(r)) for s, d, r in json.loads(meta[META_RUNS]))
        return PartInfo(meta[META_HASH].decode(), meta[META_DATASET].decode(), runs)
    except (OSError, pa.ArrowException, KeyError, ValueError, TypeError):
        return None


def sha256_bytes(data: bytes) -> str:
    """The sha256 of bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, in hex, read in blocks."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
