"""Generated hostile input for the capture reader and the event parsing: truncations, bit
flips, wrong types, huge lengths, deep nesting.  Nothing may raise but the documented
CaptureError, and memory stays bounded.  100,600 inputs in all, read from memory: 97,000
from seeded random loops (fast), 3,300 from hypothesis strategies, 300 under tracemalloc;
fixed seeds, so a failure reproduces."""

from __future__ import annotations

import os
import random

import msgpack
from helpers import paths
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from lgtui.capture import CaptureError, CaptureWriter, make_header, read_capture, summarize
from lgtui.events import StreamEvent
from lgtui.preview import preview
from lgtui.session import Session

RECORDING = (paths.RECORDINGS / "chat.msgpack").read_bytes()
MODES = [
    "updates",
    "values",
    "debug",
    "messages",
    "messages/partial",
    "messages/complete",
    "messages/metadata",
    "events",
    "custom",
    "tasks",
    "checkpoints",
    "error",
    "metadata",
]
FAST = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)
HEADER = msgpack.packb(
    make_header(source_kind="remote", target="t", assistant="a", thread_id=None, request={})
)


def _read(data: bytes, summary: bool = True) -> None:
    """Both readers on ``data``, from memory (the same parsing a file gets, no disk)."""
    for reader in (read_capture, summarize) if summary else (read_capture,):
        try:
            reader(data)
        except CaptureError:
            pass


SMALL = (paths.RECORDINGS / "interrupt.msgpack").read_bytes()


def test_real_captures_cut_flipped_and_spliced():
    """50,000 mutations of real captures: cuts, bit flips, splices, inserted bytes."""
    rng = random.Random(1)
    bases = [SMALL, RECORDING[:6000]]
    n = 0
    for _ in range(50_000):
        data = bytearray(rng.choice(bases))
        kind = rng.randrange(4)
        if kind == 0:
            del data[rng.randrange(len(data) + 1) :]
        elif kind == 1:
            for _ in range(rng.randrange(1, 9)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == 2:
            a, b = sorted(rng.randrange(len(data)) for _ in range(2))
            data[a:a] = data[a:b]
        else:
            pos = rng.randrange(len(data))
            data[pos:pos] = rng.randbytes(rng.randrange(1, 32))
        _read(bytes(data), summary=n % 10 == 0)
        n += 1
    assert n == 50_000


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randrange(-(2**63), 2**64)
    if kind == 3:
        return rng.random() * 10 ** rng.randrange(-5, 300)
    if kind == 4:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(20)))
    if kind == 5:
        return rng.randbytes(rng.randrange(40))
    if kind == 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {
        str(_random_value(rng, depth + 1)): _random_value(rng, depth + 1)
        for _ in range(rng.randrange(5))
    }


def test_random_records_after_a_valid_header():
    """32,000 files of random records: wrong kinds, wrong types, event records with junk."""
    rng = random.Random(2)
    for _ in range(32_000):
        recs = []
        for _ in range(rng.randrange(1, 6)):
            if rng.random() < 0.6:
                recs.append(
                    {
                        "k": "e",
                        "t": _random_value(rng, 3),
                        "ev": rng.choice([*MODES, _random_value(rng, 3)]),
                        "id": _random_value(rng, 3),
                        "d": _random_value(rng, 2),
                    }
                )
            else:
                recs.append(_random_value(rng))
        _read(
            HEADER
            + b"".join(msgpack.packb(r, use_bin_type=True) for r in recs)
            + rng.randbytes(rng.randrange(8))
        )


HEADER = msgpack.packb(
    make_header(source_kind="remote", target="t", assistant="a", thread_id=None, request={})
)
records = st.one_of(
    st.fixed_dictionaries(
        {
            "k": st.just("e"),
            "t": st.floats() | st.text() | st.none(),
            "ev": st.sampled_from(MODES) | st.text(max_size=30) | st.integers(-(2**63), 2**63),
            "id": st.text(max_size=20) | st.none() | st.integers(-(2**63), 2**63),
            "d": st.binary(max_size=200) | json_values,
        }
    ),
    st.dictionaries(st.text(max_size=5), json_values, max_size=4),
    json_values,
)


@seed(2)
@settings(FAST, max_examples=300)
@given(st.lists(records, max_size=12), st.binary(max_size=40))
def test_wrong_types_and_garbage_after_a_valid_header(recs, tail):
    body = b"".join(msgpack.packb(r, use_bin_type=True) for r in recs)
    _read(HEADER + body + tail)


@seed(3)
@settings(FAST, max_examples=2_000)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0xC6, 0xC5, 0xDB, 0xDD, 0xDF]))
def test_huge_declared_lengths(length, marker):
    # a bin/str/array/map header that claims up to 4 GB, with nothing behind it
    size = 4 if marker in (0xC6, 0xDB, 0xDD, 0xDF) else 2
    _read(HEADER + bytes([marker]) + (length % (1 << (8 * size))).to_bytes(size, "big") + b"x" * 16)


@seed(4)
@settings(FAST, max_examples=1_000)
@given(st.integers(1, 5000))
def test_deep_nesting(depth):
    _read(HEADER + b"\x91" * depth + b"\xc0")  # arrays inside arrays
    _read(
        HEADER
        + msgpack.packb(
            {"k": "e", "t": 0.0, "ev": "values", "id": None, "d": b"[" * depth + b"]" * depth}
        )
    )


def _random_name(rng: random.Random) -> str:
    """An event name: a mode, a mode with a namespace, or any text at all."""
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(MODES)
    if kind == 1:
        return rng.choice(MODES) + "|" + "|".join(f"n{rng.randrange(9)}:{i}" for i in range(3))
    return "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(rng.randrange(40)))


def _random_payload(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return rng.randbytes(rng.randrange(300))
    import orjson

    try:
        return orjson.dumps(_random_value(rng, 1), option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # bytes, ints past 64 bits: as a peer would send junk
        return repr(_random_value(rng, 2)).encode()


def test_session_takes_any_event():
    """10,000 random pairs of events of any name and payload: every row, state, message
    list and change is computed, and no row has a raw escape."""
    rng = random.Random(5)
    for _ in range(10_000):
        name, raw = _random_name(rng), _random_payload(rng)
        session = Session()
        session.append(StreamEvent(0, 0.0, name, raw))
        session.append(StreamEvent(1, 0.1, rng.choice([name, "values", "updates"]), raw))
        session.finish()
        for seq in range(session.count):
            node, summary = session.row(seq)
            assert isinstance(node, str) and isinstance(summary, str)
            assert "\x1b" not in summary and "\x1b" not in node
        session.state_at(1)
        session.messages_at(1)
        session.change_at(1)


def test_previews_are_bounded():
    """5,000 random values, limits 1 to 300: a preview is never longer than asked."""
    rng = random.Random(6)
    for _ in range(5_000):
        value, limit = _random_value(rng), rng.randrange(1, 301)
        assert len(preview(value, limit)) <= limit + 1


def test_memory_stays_bounded_on_what_claims_to_be_huge():
    """Declared lengths up to 4 GiB, nesting 5,000 deep, real captures cut and flipped: the
    readers' peak allocation (tracemalloc, this test alone) stays under 64 MB."""
    import tracemalloc

    rng = random.Random(7)
    inputs = []
    for marker, size in ((0xC6, 4), (0xC5, 2), (0xDB, 4), (0xDD, 4), (0xDF, 4)):
        for length in (2**32 - 1, 2**31, 2**28, 2**16 - 1, 1000):
            length %= 1 << (8 * size)
            inputs.append(HEADER + bytes([marker]) + length.to_bytes(size, "big") + b"x" * 16)
    inputs += [HEADER + b"\x91" * depth + b"\xc0" for depth in (10, 1000, 5000)]
    for _ in range(300):
        data = bytearray(SMALL)
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        inputs.append(bytes(data))
    tracemalloc.start()
    try:
        for data in inputs:
            _read(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"the readers' peak allocation was {peak >> 20} MB"


def test_a_writer_writing_what_the_fuzzer_reads_back(tmp_path):
    """The writer's output is a fixed point: whatever events go in come back out."""
    path = tmp_path / "w.msgpack"
    writer = CaptureWriter(
        path,
        make_header(source_kind="remote", target="t", assistant="a", thread_id=None, request={}),
    )
    events = [StreamEvent(i, i / 10, MODES[i % len(MODES)], os.urandom(i % 50)) for i in range(500)]
    for e in events:
        writer.write(e)
    writer.close("success")
    back = read_capture(path).events
    assert [(e.event, e.raw, e.t) for e in back] == [(e.event, e.raw, e.t) for e in events]
