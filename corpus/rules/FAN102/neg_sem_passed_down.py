"""Sentiment labelling: the orchestrator creates the semaphore and passes it down."""
import asyncio
import logging

import anthropic

log = logging.getLogger(__name__)

client = anthropic.AsyncAnthropic()


async def label_review(review: str, sem: asyncio.Semaphore) -> str:
    async with sem:
        msg = await client.messages.create(
            model="claude-3-5-haiku-latest",
            max_tokens=5,
            messages=[{"role": "user", "content": f"positive/negative/neutral?\n{review}"}],
        )
    return msg.content[0].text.strip().lower()


async def label_reviews(reviews: list[str], concurrency: int = 8) -> list[str]:
    sem = asyncio.Semaphore(concurrency)
    labels = await asyncio.gather(*[label_review(r, sem) for r in reviews])
    log.info("labelled %d reviews", len(labels))
    return labels
