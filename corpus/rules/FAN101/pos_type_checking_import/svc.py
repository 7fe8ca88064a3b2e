"""The model client is imported for type checking only and annotated as a string."""
from __future__ import annotations
import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .llm import LLM


class Svc:
    def __init__(self, llm: "LLM") -> None:
        self.llm = llm

    async def run(self, prompts: list[str]):
        return await asyncio.gather(*[self.llm.complete(p) for p in prompts])  # expect: FAN101
