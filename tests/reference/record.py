"""Record what a real `langgraph dev` sends on its thread-centric event stream (v2), as
raw SSE bodies, for the unit tests of the v2 Session (tests/unit/test_v2.py).

    python tests/reference/record.py

Starts `langgraph dev` over tests/graphs on a free loopback port, starts each run with
``run.start`` on a new thread and keeps the body of ``POST /threads/{id}/stream/events``
(every channel) up to the run's end (the root's terminal lifecycle: the stream itself
never ends).  The ids and times in them are that server's; nothing here is edited.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

import httpx

HERE = Path(__file__).parent / "v2"
sys.path.insert(0, str(Path(__file__).parents[1]))

from graphs.auth import TEST_API_KEY  # noqa: E402
from helpers.devserver import start_dev_server  # noqa: E402
from helpers.paths import GRAPHS  # noqa: E402

CHANNELS = ["values", "updates", "messages", "tools", "lifecycle", "input", "checkpoints",
            "tasks", "custom"]  # fmt: skip
RUNS = {
    "research": ("research", {"topic": "LangGraph streaming"}),
    "tools": ("tools", {"messages": [{"role": "user", "content": "weather in Paris?"}]}),
    "interrupt": ("hitl", {"q": "name?"}),
    "error": ("failing", {"topic": "boom"}),
}


async def record(url: str, graph: str, inp: object) -> bytes:
    thread = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=url, headers={"x-api-key": TEST_API_KEY}) as client:
        started = await client.post(
            f"/threads/{thread}/commands",
            json={"id": 1, "method": "run.start", "params": {"assistant_id": graph, "input": inp}},
        )
        started.raise_for_status()
        body = b""
        async with client.stream(
            "POST", f"/threads/{thread}/stream/events", json={"channels": CHANNELS}, timeout=60
        ) as response:
            async for chunk in response.aiter_bytes():
                body += chunk
                ended = any(
                    f'"event":"{word}"'.encode() in body and b"lc||" + word.encode() in body
                    for word in ("completed", "failed", "interrupted")
                )
                if ended and body.endswith((b"\n\n", b"\r\n\r\n")):
                    return body
    return body


async def main() -> None:
    HERE.mkdir(exist_ok=True)
    with start_dev_server(GRAPHS / "langgraph.json", HERE / "server.log") as server:
        for name, (graph, inp) in RUNS.items():
            (HERE / f"{name}.sse").write_bytes(await record(server.url, graph, inp))
            print(f"{name}.sse")
    (HERE / "server.log").unlink(missing_ok=True)


if __name__ == "__main__":
    asyncio.run(main())
