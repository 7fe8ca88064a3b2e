"""Classifier: every LLM call is wrapped in its own 30 s deadline."""
import asyncio
import logging

import openai

log = logging.getLogger(__name__)

client = openai.AsyncOpenAI()

LABELS = ["billing", "bug", "feature", "other"]


async def classify(ticket: str) -> str:
    try:
        completion = await asyncio.wait_for(
            client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": f"Label as one of {LABELS}:\n{ticket}"}],
            ),
            timeout=30,
        )
    except TimeoutError:
        return "other"
    return completion.choices[0].message.content.strip()


async def classify_all(tickets: list[str]) -> list[str]:
    labels = await asyncio.gather(*[classify(t) for t in tickets])
    log.info("classified %d tickets", len(labels))
    return labels
