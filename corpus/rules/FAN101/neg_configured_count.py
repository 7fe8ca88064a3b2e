"""The number of drafts is a setting: a handful, not data."""
import asyncio

from openai import AsyncOpenAI


class Drafter:
    def __init__(self, settings) -> None:
        self.settings = settings
        self.client = AsyncOpenAI()

    async def draft(self, brief: str, i: int) -> str:
        out = await self.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"Draft {i}: {brief}"}]
        )
        return out.choices[0].message.content

    async def drafts(self, brief: str) -> list[str]:
        return await asyncio.gather(*[self.draft(brief, i) for i in range(self.settings.num_drafts)])
