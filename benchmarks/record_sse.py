"""Record raw response bodies of real `langgraph dev` runs, for the benchmarks to replay.

    langgraph dev --config tests/graphs/langgraph.json --port 2124 --no-browser --no-reload
    python benchmarks/record_sse.py http://127.0.0.1:2124 --api-key lgtui-test-key-3f9c1d

Writes benchmarks/data/agent.sse (a chat run with the default stream modes) and
benchmarks/data/firehose-100.sse (100 custom events of about 1 kB) byte for byte.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import httpx

DATA = Path(__file__).parent / "data"
RUNS = {
    "agent.sse": {
        "assistant_id": "agent",
        "input": {"topic": "ice cream"},
        "stream_mode": ["updates", "values", "debug", "messages-tuple", "custom"],
    },
    "firehose-100.sse": {
        "assistant_id": "firehose",
        "input": {"count": 100, "size": 1000},
        "stream_mode": ["custom"],
    },
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--api-key")
    args = parser.parse_args()
    headers = {"x-api-key": args.api_key} if args.api_key else {}
    DATA.mkdir(exist_ok=True)
    with httpx.Client(base_url=args.url, headers=headers, timeout=60) as client:
        for name, body in RUNS.items():
            with client.stream("POST", "/runs/stream", json=body) as response:
                response.raise_for_status()
                raw = response.read()
            (DATA / name).write_bytes(raw)
            print(f"{name}: {len(raw):,} bytes, {raw.count(b'event: '):,} events")


if __name__ == "__main__":
    main()
