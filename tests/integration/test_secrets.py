"""The API key never reaches disk: not in a capture, an export, a log or a screenshot.

It makes one of each with the key in use, then searches every file it wrote (the app's
data folder included), plus recordings/ and screenshots/. Independent of test order."""

from __future__ import annotations

from graphs.auth import TEST_API_KEY
from helpers import paths
from helpers.cli import run_cli
from helpers.ui import wait_for

from lgtui.sources.base import RunRequest
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp

ROOT = paths.ROOT


async def test_the_api_key_is_nowhere_on_disk(server, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # a recorded TUI run with the key, its screenshot, and a headless capture + export
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY),
        request=RunRequest("agent", {"topic": "k"}),
        record=True,
    )
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        app.save_screenshot(str(tmp_path / "shot.svg"))
    capture = tmp_path / "headless.msgpack"
    proc = run_cli(
        "stream",
        server.url,
        "--api-key",
        TEST_API_KEY,
        "-a",
        "agent",
        "-i",
        '{"topic": "k"}',
        "-o",
        str(capture),
    )
    assert proc.returncode == 0
    (tmp_path / "export.jsonl").write_text(run_cli("export", str(capture)).stdout)
    (tmp_path / "info.json").write_text(run_cli("info", str(capture), "--json").stdout)

    needle = TEST_API_KEY.encode()
    searched = 0
    offenders = []
    for folder in (tmp_path, ROOT / "recordings", ROOT / "screenshots"):
        for path in folder.rglob("*"):
            if path.is_file():
                searched += 1
                if needle in path.read_bytes():
                    offenders.append(str(path))
    assert list((tmp_path / "data").rglob("*.msgpack")), "the TUI run was recorded"
    assert searched >= 10
    assert offenders == []
