"""Checkpoint size per channel: a value's bytes as JSON, largest first."""

from __future__ import annotations

from lgtui.sizes import channel_sizes, human, json_size


def test_channels_largest_first_with_their_json_bytes():
    values = {"messages": ["x" * 5000], "topic": "cats", "count": 3, "empty": None}
    sizes = channel_sizes(values)
    assert [name for name, _ in sizes] == ["messages", "topic", "empty", "count"]
    assert dict(sizes) == {"messages": 5004, "topic": 6, "empty": 4, "count": 1}


def test_what_is_not_json_is_measured_as_text_and_never_raises():
    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert json_size({1: Odd()}) == len(b'{"1":"odd"}')
    assert channel_sizes(None) == [] and channel_sizes([1, 2]) == [("(the whole state)", 5)]
    assert [human(n) for n in (5, 1_234, 5_600_000)] == ["5 B", "1.2 kB", "5.6 MB"]
