"""A participant without a browser: a websocket client speaking the Solara page's own protocol.

It opens a kernel as the page's JavaScript does (the Jupyter kernel protocol over a websocket:
a ``solara.control`` comm, then ``run`` on a path), keeps the state of every widget the server
opens (while `tracking`), and sends what a browser sends: a widget's new value (``update``) or
an event (``custom`` click). Each message received is time-stamped, so a benchmark can tell
when a page was redrawn.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from solara.server.kernel import deserialize_binary_message
from websockets.sync.client import connect


@dataclass
class Received:
    """One message from the server: when it arrived and its JSON text."""

    at: float
    text: str


@dataclass
class WidgetClient:
    """One page's connection to a Solara server on 127.0.0.1:`port` at `path`."""

    port: int
    path: str = "/"
    widgets: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    tracking: bool = True

    def __post_init__(self) -> None:
        self.session = str(uuid.uuid4())
        kernel = uuid.uuid4()
        url = (
            f"ws://127.0.0.1:{self.port}/jupyter/api/kernels/{kernel}/channels"
            f"?session_id={self.session}"
        )
        self._socket = connect(url, origin=f"http://127.0.0.1:{self.port}", max_size=None)
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        control = str(uuid.uuid4())
        self._send("comm_open", {"comm_id": control, "target_name": "solara.control", "data": {}})
        run = {"method": "run", "args": {"path": self.path, "appName": "__default__"}}
        self._send("comm_msg", {"comm_id": control, "data": run})

    def _send(self, kind: str, content: dict[str, Any]) -> None:
        header = {
            "msg_id": str(uuid.uuid4()),
            "username": "bench",
            "session": self.session,
            "msg_type": kind,
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
        self._socket.send(json.dumps(message))

    def _read(self) -> None:
        try:
            for raw in self._socket:
                now = time.perf_counter()
                if isinstance(raw, str):
                    text = raw
                else:
                    message = deserialize_binary_message(raw)
                    message.pop("buffers", None)
                    text = json.dumps(message)
                if self.tracking:
                    self._note(json.loads(text))
                with self._lock:
                    self.received.append(Received(now, text))
                    self._lock.notify_all()
        except Exception:  # the connection closed
            return

    def _note(self, message: dict[str, Any]) -> None:
        kind = message.get("header", {}).get("msg_type")
        content = message.get("content", {})
        data = content.get("data", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.widgets[content["comm_id"]] = dict(data.get("state", {}))
        elif kind == "comm_msg" and data.get("method") in ("update", "echo_update"):
            self.widgets.setdefault(content["comm_id"], {}).update(data.get("state", {}))

    def find(self, **state: Any) -> str:
        """The id of the one widget whose state has these values (waits up to 60 s)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = [
                wid
                for wid, values in list(self.widgets.items())
                if all(values.get(k) == v for k, v in state.items())
            ]
            if len(found) == 1:
                return found[0]
            time.sleep(0.05)
        raise TimeoutError(f"no single widget with {state}")

    def set(self, widget: str, **state: Any) -> None:
        """Send a widget's new values, as the browser does when a person changes it."""
        content = {"method": "update", "state": state, "buffer_paths": []}
        self._send("comm_msg", {"comm_id": widget, "data": content})

    def click(self, widget: str) -> None:
        """Click a button, as the browser does."""
        content = {"method": "custom", "content": {"event": "click", "data": {}}}
        self._send("comm_msg", {"comm_id": widget, "data": content})

    def wait_for_text(self, text: str, after: int = 0, timeout: float = 60.0) -> float:
        """The arrival time of the first message from index `after` on that contains `text`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for item in self.received[after:]:
                    if text in item.text:
                        return item.at
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no message with {text!r}")
                self._lock.wait(left)

    def quiet_after(self, after: int, quiet: float = 1.0) -> float:
        """Wait until no message came for `quiet` s; the arrival of the last one after `after`."""
        while True:
            with self._lock:
                count = len(self.received)
            time.sleep(quiet)
            with self._lock:
                if len(self.received) == count:
                    return self.received[-1].at if count > after else float("nan")

    def close(self) -> None:
        """Close the connection."""
        self._socket.close()
