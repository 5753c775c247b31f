"""What a capture holds, counted as its events pass: what `lgtui info` says of it.

The same `Tally` counts a file being read (`capture.summarize`, one pass over its
records) and a run being recorded (`CaptureWriter`), which writes it as the file's last
records when the run ends: a ``summary`` record, then a ``tail`` record of a fixed size
that says where the summary starts.  `lgtui info` then reads the header, the tail and the
summary, three reads whatever the file's size; a file without them (cut short, killed,
written before) is read whole, as `--verify` reads any file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import orjson

# {"k": "tail", "at": <uint64>}: a msgpack map of a fixed size (the offset packed as a
# uint64 whatever its value), the last bytes of a file whose summary was written
TAIL_HEAD = b"\x82\xa1k\xa4tail\xa2at\xcf"
TAIL_SIZE = len(TAIL_HEAD) + 8


def tail_record(summary_at: int) -> bytes:
    return TAIL_HEAD + struct.pack(">Q", summary_at)


def summary_offset(last_bytes: bytes) -> int | None:
    """Where the summary record starts, from a file's last `TAIL_SIZE` bytes."""
    if len(last_bytes) != TAIL_SIZE or not last_bytes.startswith(TAIL_HEAD):
        return None
    (offset,) = struct.unpack(">Q", last_bytes[len(TAIL_HEAD) :])
    return int(offset)


@dataclass
class Tally:
    """Events counted one by one: per wire name, the run's times, runs, errors and
    interrupts (read from the few events that say them)."""

    v2: bool = False
    events: int = 0
    by_name: dict[str, int] = field(default_factory=dict)
    first_t: float | None = None
    last_t: float | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)
    errors: int = 0
    interrupts: int = 0

    def add(self, name: str, t: Any, raw: Any) -> None:
        self.by_name[name] = self.by_name.get(name, 0) + 1
        self.events += 1
        if isinstance(t, int | float) and not isinstance(t, bool):
            self.first_t = t if self.first_t is None else self.first_t
            self.last_t = t
        if not isinstance(raw, bytes):
            return
        mode = name.split("|", 1)[0] if "|" in name else name
        if self.v2:
            if mode == "input.requested":
                self.interrupts += 1
            elif name == "lifecycle":
                self.errors += _root_lifecycle(raw, self.runs, self.events - 1)
        elif mode == "metadata":
            try:
                meta = orjson.loads(raw)
            except orjson.JSONDecodeError:
                meta = None
            if isinstance(meta, dict) and "run_id" in meta and "status" not in meta:
                self.runs.append({"run_id": meta["run_id"], "first_event": self.events - 1})
        elif mode == "error":
            self.errors += 1
        elif mode in ("updates", "values") and b"__interrupt__" in raw:
            self.interrupts += 1

    def record(self, end: dict[str, Any] | None) -> dict[str, Any]:
        """The ``summary`` record of a file whose run ended with ``end``."""
        return {
            "k": "summary",
            "events": self.events,
            "by_name": self.by_name,
            "first_t": self.first_t,
            "last_t": self.last_t,
            "runs": self.runs,
            "errors": self.errors,
            "interrupts": self.interrupts,
            "end": end,
        }

    @classmethod
    def of_record(cls, record: Any, v2: bool) -> tuple[Tally, dict[str, Any] | None] | None:
        """A tally and the end record back from a summary record (None: not one)."""
        if not isinstance(record, dict) or record.get("k") != "summary":
            return None
        by_name = record.get("by_name")
        runs = record.get("runs")
        end = record.get("end")
        if not isinstance(by_name, dict) or not isinstance(runs, list):
            return None
        tally = cls(v2=v2)
        tally.by_name = {str(k): v for k, v in by_name.items() if isinstance(v, int)}
        tally.events = _int(record.get("events"))
        tally.first_t, tally.last_t = _time(record.get("first_t")), _time(record.get("last_t"))
        tally.runs = [r for r in runs if isinstance(r, dict)]
        tally.errors, tally.interrupts = _int(record.get("errors")), _int(record.get("interrupts"))
        return tally, end if isinstance(end, dict) else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _time(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _root_lifecycle(raw: bytes, runs: list[dict[str, Any]], seq: int) -> int:
    """A v2 root lifecycle event: a run starting (its id is in the synthesized event id,
    ``synth:<run id>:lc||running``) goes into ``runs``; 1 when it says the run failed."""
    try:
        envelope = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return 0
    params = envelope.get("params") if isinstance(envelope, dict) else None
    data = params.get("data") if isinstance(params, dict) else None
    status = data.get("event") if isinstance(data, dict) else None
    if status == "running":
        eid = envelope.get("event_id")
        parts = eid.split(":") if isinstance(eid, str) else []
        if len(parts) > 2 and parts[0] == "synth":
            runs.append({"run_id": parts[1], "first_event": seq})
    return 1 if status == "failed" else 0
