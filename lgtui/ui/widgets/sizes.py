"""A checkpoint's size per channel, as the history's Size pane shows it."""

from __future__ import annotations

from typing import Any

from lgtui.preview import safe_text
from lgtui.sizes import channel_sizes, human
from lgtui.ui.text import Text


def size_table(values: Any) -> Text:
    """Each channel's share of the checkpoint (its value as JSON), largest first."""
    sizes = channel_sizes(values)
    total = sum(n for _, n in sizes) or 1
    text = Text(f"{human(sum(n for _, n in sizes))} in {len(sizes)} channels\n", style="bold")
    for name, n in sizes[:40]:
        bar = "█" * max(1, round(30 * n / total)) if n else ""
        text.append(f"{safe_text(name, 24):<24} {human(n):>10} {100 * n / total:5.1f}% ")
        text.append(bar + "\n", style="magenta")
    if len(sizes) > 40:
        text.append(f"… {len(sizes) - 40} more channels\n", style="dim")
    return text
