"""Sequential processing: each task is awaited in the iteration that created it."""
import asyncio

from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=60.0)


async def summarize(text: str) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Summarize:\n{text}"}]
    )
    return completion.choices[0].message.content or ""


async def summarize_each(texts: list[str]) -> list[str]:
    summaries = []
    for text in texts:
        summaries.append(await summarize(text))
    return summaries


async def summarize_each_task(texts: list[str]) -> list[str]:
    summaries = []
    for text in texts:
        task = asyncio.create_task(summarize(text))
        summaries.append(await task)
    return summaries
