"""Token usage as chat models report it, summed per answer, node, agent and run.

Both shapes say the same: langchain's ``usage_metadata`` (run stream) and the
thread-centric stream's ``message-finish`` usage: ``input_tokens``, ``output_tokens``,
``total_tokens``, ``input_token_details`` (``cache_read``, ``cache_creation``) and
``output_token_details`` (``reasoning``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lgtui.messages import Message


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    total: int = 0
    cache_read: int = 0  # of the input, read from the provider's prompt cache
    cache_creation: int = 0  # of the input, written to it
    reasoning: int = 0  # of the output, spent reasoning
    messages: int = 0  # answers that reported usage

    def add_report(self, report: Any) -> None:
        """One model answer's usage (either shape)."""
        if not isinstance(report, dict):
            return
        tin, tout = _int(report.get("input_tokens")), _int(report.get("output_tokens"))
        self.tokens_in += tin
        self.tokens_out += tout
        self.total += _int(report.get("total_tokens")) or tin + tout
        details = report.get("input_token_details")
        if isinstance(details, dict):
            self.cache_read += _int(details.get("cache_read"))
            self.cache_creation += _int(details.get("cache_creation"))
        details = report.get("output_token_details")
        if isinstance(details, dict):
            self.reasoning += _int(details.get("reasoning"))
        self.messages += 1

    def add(self, other: Usage) -> None:
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.total += other.total
        self.cache_read += other.cache_read
        self.cache_creation += other.cache_creation
        self.reasoning += other.reasoning
        self.messages += other.messages

    def describe(self) -> str:
        """``1,204 in (1,000 cached) / 96 out (40 reasoning) / 1,300 total``."""
        text = f"{self.tokens_in:,} in"
        extra = []
        if self.cache_read:
            extra.append(f"{self.cache_read:,} cached")
        if self.cache_creation:
            extra.append(f"{self.cache_creation:,} to cache")
        if extra:
            text += f" ({', '.join(extra)})"
        text += f" / {self.tokens_out:,} out"
        if self.reasoning:
            text += f" ({self.reasoning:,} reasoning)"
        return text + f" / {self.total:,} total"

    def short(self) -> str:
        """``1.2k/96``: in/out, for a column."""
        return f"{_k(self.tokens_in)}/{_k(self.tokens_out)}"


def _k(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 10_000 else str(n)


def answer_usage(report: Any) -> str:
    """One answer's usage in words (``tokens in 12 (8 cached) · out 30 (20 reasoning)``)."""
    if not isinstance(report, dict):
        return ""
    usage = Usage()
    usage.add_report(report)
    text = f"tokens in {report.get('input_tokens', '?')}"
    if usage.cache_read:
        text += f" ({usage.cache_read:,} cached)"
    text += f" · out {report.get('output_tokens', '?')}"
    if usage.reasoning:
        text += f" ({usage.reasoning:,} reasoning)"
    return text


def usage_by_ns(
    messages: Iterable[Message], as_of: int | None = None
) -> dict[tuple[str, ...], Usage]:
    """What each namespace's own model answers reported."""
    out: dict[tuple[str, ...], Usage] = {}
    for msg in messages:
        if isinstance(msg.usage, dict) and (as_of is None or msg.last_seq <= as_of):
            out.setdefault(msg.ns, Usage()).add_report(msg.usage)
    return out
