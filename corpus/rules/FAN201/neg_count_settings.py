"""Answer variants: the number of parallel drafts is a setting, not input data."""
import asyncio

import openai


class Drafter:
    def __init__(self, settings):
        self.settings = settings
        self.llm = openai.AsyncOpenAI(timeout=60.0)

    async def draft(self, question: str, seed: int) -> str:
        out = await self.llm.chat.completions.create(
            model="gpt-4o-mini", seed=seed, messages=[{"role": "user", "content": question}]
        )
        return out.choices[0].message.content

    async def drafts(self, question: str) -> list[str]:
        return await asyncio.gather(
            *[self.draft(question, i) for i in range(self.settings.num_drafts)]
        )

    async def retry_drafts(self, question: str, attempts: int) -> list[str]:
        return await asyncio.gather(*[self.draft(question, i) for i in range(attempts)])
