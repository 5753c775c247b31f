"""Time to the first frame, as a user waits for it: each command started in a
pseudo-terminal of 120x40, timed from its start to the first screen drawn that holds a
text it shows (the frame a user first reads).  Baseline, measured in the same run,
alternating with the others: a bare Textual app with one Label.

    python benchmarks/bench_startup.py [--repeat 7]

Rows:
  bare      a Textual app of one Label (the floor: Python, Textual, the terminal)
  --help    `lgtui --help` (no screen: until it exits)
  replay    `lgtui replay recordings/research.msgpack` (until the All tab is drawn)
  demo      `lgtui demo` (until the screen says the project is loading, behind it)
  open      `lgtui open tests/graphs/agent.py --no-record` (the same)
  open+     the same, until the project has loaded and the New run dialog is drawn
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bare app ready")

Bare().run()
"""


def first_frame(cmd: list[str], marker: bytes, timeout: float = 30.0) -> float:
    """Seconds from starting ``cmd`` in a pty to ``marker`` on its screen."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, in a 120x40 terminal
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.execvpe(cmd[0], cmd, os.environ)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if marker in seen.replace(b"\x1b", b""):  # (escape codes between the letters)
                return time.perf_counter() - start
            if len(seen) > 1 << 22:
                seen = seen[-(1 << 20) :]
        raise SystemExit(f"{' '.join(cmd)}: {marker!r} not seen in {timeout}s")
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


def exits(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BARE)
        bare = f.name
    env_cfg = tempfile.mkdtemp(prefix="lgtui-bench-config-")
    os.environ["LGTUI_CONFIG"] = str(Path(env_cfg) / "config.toml")  # (the user's own stay out)
    os.chdir(ROOT)
    lgtui = [PYTHON, "-m", "lgtui"]
    rows = {
        "bare": lambda: first_frame([PYTHON, bare], b"bare app ready"),
        "--help": lambda: exits([*lgtui, "--help"]),
        "replay": lambda: first_frame([*lgtui, "replay", "recordings/research.msgpack"], b"Values"),
        # the screen up, the project loading behind it (said on the status bar)
        "demo": lambda: first_frame([*lgtui, "demo", "--no-record"], b"loading the project"),
        "open": lambda: first_frame(
            [*lgtui, "open", "tests/graphs/agent.py", "--no-record"], b"loading the project"
        ),
        # ...and loaded: the New run dialog, its assistant listed
        "open+": lambda: first_frame(
            [*lgtui, "open", "tests/graphs/agent.py", "--no-record"], b"Thread: 'new'"
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(args.repeat):  # alternating: a busy moment costs every row alike
        for name, measure in rows.items():
            times[name].append(measure())
    bare_median = statistics.median(times["bare"])
    print(f"first frame, median of {args.repeat} (120x40 pty, {time.strftime('%Y-%m-%d')})")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = "" if name in ("bare", "--help") else f"  = {median / bare_median:.2f}x bare"
        print(f"  {name:<8} {median * 1000:7.0f} ms  (min {min(values) * 1000:.0f}){ratio}")


if __name__ == "__main__":
    main()
