"""Chapter summarizer: each task builds its own BoundedSemaphore."""
import asyncio
import logging

import openai

log = logging.getLogger(__name__)


class BookSummarizer:
    def __init__(self, chapters: list[str], model: str = "gpt-4o-mini"):
        self.chapters = chapters
        self.model = model
        self.client = openai.AsyncOpenAI()

    async def summarize_chapter(self, index: int, chapter: str) -> str:
        limiter = asyncio.BoundedSemaphore(3)  # expect: FAN102
        async with limiter:
            completion = await self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "user", "content": f"Summarize chapter {index}:\n\n{chapter}"}],
            )
        return completion.choices[0].message.content or ""

    async def summarize(self) -> list[str]:
        tasks = []
        for i, chapter in enumerate(self.chapters, start=1):
            tasks.append(asyncio.create_task(self.summarize_chapter(i, chapter)))
        summaries = await asyncio.gather(*tasks)
        log.info("summarized %d chapters", len(summaries))
        return summaries
