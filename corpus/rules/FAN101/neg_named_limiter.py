"""A project rate limiter held on self: its name says it bounds the calls."""
import asyncio

import openai

from ratelimits import TokenBucket  # a project-local helper fanout cannot see


class Tagger:
    def __init__(self) -> None:
        self.client = openai.AsyncOpenAI()
        self.rate_limiter = TokenBucket(rate=5)

    async def tag(self, text: str) -> str:
        async with self.rate_limiter:
            resp = await self.client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": text}]
            )
        return resp.choices[0].message.content or ""

    async def tag_all(self, texts: list[str]) -> list[str]:
        return await asyncio.gather(*[self.tag(t) for t in texts])
