"""Chunk enrichment: tasks are gathered every 64 chunks, and pages in step-sized windows."""
import asyncio

import openai

client = openai.AsyncOpenAI(timeout=30.0)


async def enrich(chunk: str) -> str:
    out = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Add context: {chunk}"}]
    )
    return out.choices[0].message.content


async def enrich_all(chunks: list[str]) -> list[str]:
    enriched: list[str] = []
    pending = []
    for chunk in chunks:
        pending.append(enrich(chunk))
        if len(pending) == 64:
            enriched.extend(await asyncio.gather(*pending))
            pending = []
    if pending:
        enriched.extend(await asyncio.gather(*pending))
    return enriched


async def caption_pages(pages: list[str], window: int) -> list[str]:
    captions: list[str] = []
    for start in range(0, len(pages), window):
        batch = pages[start : start + window]
        tasks = []
        for page in batch:
            tasks.append(asyncio.create_task(enrich(page)))
        captions.extend(await asyncio.gather(*tasks))
    return captions
