"""A scripted chat model: the reply is a function of the conversation, so every process
(langgraph dev's, lgtui's engine host) gives the same replies in the same order.

Text replies stream word by word; tool calls come as one chunk with tool_call_chunks,
as providers stream them.  ``bind_tools`` is accepted (the tools are not needed: the
script says what to call).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

Script = Callable[[list[BaseMessage]], AIMessage]


def say(text: str) -> AIMessage:
    return AIMessage(content=text)


def call(name: str, args: dict[str, Any], call_id: str) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])


class ScriptedChatModel(BaseChatModel):
    script: Any  # Script
    model_name: str = "scripted"

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
        return self

    def _reply(self, messages: list[BaseMessage]) -> AIMessage:
        reply = self.script(messages)
        words_in = sum(len(str(m.content).split()) for m in messages)
        words_out = len(str(reply.content).split())
        reply.usage_metadata = {
            "input_tokens": words_in,
            "output_tokens": words_out,
            "total_tokens": words_in + words_out,
        }
        return reply

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._reply(messages)
        if reply.tool_calls:
            chunks = [
                AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        {
                            "name": c["name"],
                            "args": json.dumps(c["args"]),
                            "id": c["id"],
                            "index": i,
                        }
                        for i, c in enumerate(reply.tool_calls)
                    ],
                    usage_metadata=reply.usage_metadata,
                    chunk_position="last",
                )
            ]
        else:
            words = [w for w in re.split(r"(\s)", str(reply.content)) if w] or [""]
            chunks = [
                AIMessageChunk(
                    content=w,
                    usage_metadata=reply.usage_metadata if i == len(words) - 1 else None,
                    chunk_position="last" if i == len(words) - 1 else None,
                )
                for i, w in enumerate(words)
            ]
        for chunk in chunks:
            generation = ChatGenerationChunk(message=chunk)
            if run_manager:
                run_manager.on_llm_new_token(str(chunk.content), chunk=generation)
            yield generation
