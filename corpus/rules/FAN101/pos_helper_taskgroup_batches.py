"""A TaskGroup helper, and a batching helper called with a batch size taken
from the caller's argument: the whole list at once when that is data."""
import asyncio

from openai import AsyncOpenAI

llm = AsyncOpenAI(timeout=30)


async def spawn_each(coros):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(c) for c in coros]
    return [t.result() for t in tasks]


async def in_batches(coros, size):
    results = []
    for i in range(0, len(coros), size):
        results += await asyncio.gather(*coros[i:i + size])
    return results


async def summarize(chunk: str) -> str:
    resp = await llm.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": chunk}]
    )
    return resp.choices[0].message.content


async def summarize_all(chunks: list[str]) -> list[str]:
    return await spawn_each([summarize(c) for c in chunks])  # expect: FAN101


async def summarize_grouped(chunks: list[str], group: int) -> list[str]:
    return await in_batches([summarize(c) for c in chunks], group)  # expect: FAN101
