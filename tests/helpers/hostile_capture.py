"""A capture written by no lgtui: wrong types in every header field, times that are not
numbers, payloads nested a thousand deep, a graph record that is a list, an end record
of the wrong types."""

from __future__ import annotations

from pathlib import Path

import msgpack
import orjson

from lgtui.capture import FORMAT


def deep(n: int) -> object:
    value: object = "bottom"
    for _ in range(n):
        value = {"k": value}
    return value


def write_hostile_capture(path: Path) -> Path:
    packer = msgpack.Packer(use_bin_type=True)
    records = [
        {
            "k": "header",
            "format": FORMAT,
            "version": [1, 0],
            "lgtui": 5,
            "created": [1],
            "source": {"x": 1},
            "target": None,
            "assistant": 7,
            "thread_id": 8,
            "request": "not a dict",
        },
        {"k": "e", "t": float("nan"), "ev": "values", "d": b'{"a": 1}'},
        {
            "k": "e",
            "t": float("inf"),
            "ev": "debug",
            "d": orjson.dumps(
                {"type": "task", "step": 1, "payload": {"id": "t", "name": "n", "input": {}}}
            ),
        },
        {
            "k": "e",
            "t": -float("inf"),
            "ev": "debug",
            "d": orjson.dumps(
                {
                    "type": "task_result",
                    "step": 1,
                    "payload": {"id": "t", "name": "n", "result": {}},
                }
            ),
        },
        {"k": "e", "t": "x", "ev": "values", "d": ("[" * 1000 + "]" * 1000).encode()},
        {"k": "e", "t": 1.0, "ev": "values", "d": orjson.dumps(deep(200))},
        {"k": "graph", "assistant": 3, "graph": [1, 2, "x"]},
        {"k": "end", "status": 5, "events": "x", "detail": None},
    ]
    with open(path, "wb") as f:
        for record in records:
            f.write(packer.pack(record))
    return path
