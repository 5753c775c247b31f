"""How a run ended, from its events, keeping none of them: what a headless stream needs
(an endless run through `lgtui stream` costs nothing but the line being written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lgtui.events import StreamEvent
from lgtui.session import ERROR, INTERRUPTED, SUCCESS, RunError


@dataclass
class Outcome:
    errors: list[RunError] = field(default_factory=list)  # the root graph's error events
    interrupted: bool = False  # the root graph stopped at an interrupt or breakpoint
    events: int = 0

    def take(self, event: StreamEvent) -> None:
        self.events += 1
        if event.ns:
            return
        if event.protocol == 2:
            if event.mode == "input.requested":
                self.interrupted = True
            elif event.mode == "lifecycle" and b'"failed"' in event.raw:
                data = event.data
                if isinstance(data, dict) and data.get("event") == "failed":
                    self.errors.append(RunError(event.seq, "", str(data.get("error") or "")))
            return
        if event.mode == "error":
            data = event.data
            if isinstance(data, dict):
                self.errors.append(
                    RunError(
                        event.seq, str(data.get("error", "Error")), str(data.get("message", ""))
                    )
                )
            else:
                self.errors.append(RunError(event.seq, "Error", str(data)))
        elif event.mode in ("updates", "values") and b"__interrupt__" in event.raw:
            data = event.data
            if isinstance(data, dict) and "__interrupt__" in data:
                self.interrupted = True

    def status(self, final: str | None = None) -> str:
        if final is not None:
            return final
        if self.errors:
            return ERROR
        return INTERRUPTED if self.interrupted else SUCCESS


def run_failure(error: Any, handle: Any) -> str:
    """One line for a run that ended with an error event: the error, and where it
    happened when the source knows (an embedded run names the node and the line)."""
    from lgtui.preview import safe_text

    where = []
    if getattr(handle, "error_node", None):
        where.append(f"in node {handle.error_node!r}")
    if getattr(handle, "error_where", None):
        where.append(f"at {handle.error_where}")
    place = f" {' '.join(where)}" if where else ""
    said = f"{error.type}: {error.message}" if error.type else error.message
    return safe_text(f"the run failed{place}: {said}", 2000)
