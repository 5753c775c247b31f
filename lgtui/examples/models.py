"""A fake chat model for the examples: streams its reply word by word, like langchain's
`GenericFakeChatModel`, and reports token usage on the last chunk, as providers do --
so the examples show token counts with no network and no keys."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGenerationChunk, ChatResult


def _words(messages: list[BaseMessage]) -> int:
    return sum(len(str(m.content).split()) for m in messages)


def _usage(messages: list[BaseMessage], reply: str) -> UsageMetadata:
    tokens_in, tokens_out = _words(messages), len(reply.split())
    return {
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
    }


class StreamingFakeModel(GenericFakeChatModel):
    """Replies with the next of ``messages``, one word (and space) per chunk, ``pause``
    seconds apart; the last chunk carries ``usage_metadata`` (a word counts as a token)."""

    pause: float = 0.0

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        message = result.generations[0].message
        if isinstance(message, AIMessage) and message.usage_metadata is None:
            message.usage_metadata = _usage(messages, str(message.content))
        return result

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        message = reply.generations[0].message
        text = str(message.content)
        tokens = [t for t in re.split(r"(\s)", text) if t] or [""]
        usage = _usage(messages, text)
        for i, token in enumerate(tokens):
            last = i == len(tokens) - 1
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(
                    content=token,
                    id=message.id,
                    usage_metadata=usage if last else None,
                    chunk_position="last" if last else None,
                )
            )
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk
            if self.pause and not last:
                time.sleep(self.pause)
