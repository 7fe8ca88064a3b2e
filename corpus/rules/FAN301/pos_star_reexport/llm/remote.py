"""A backend over the OpenAI SDK with its default (600 s) timeout."""
from openai import AsyncOpenAI

from .base import ChatBackend

__all__ = ["OpenAIBackend"]


class OpenAIBackend(ChatBackend):
    def __init__(self) -> None:
        self.client = AsyncOpenAI()

    async def reply(self, prompt: str) -> str:
        out = await self.client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        return out.choices[0].message.content
