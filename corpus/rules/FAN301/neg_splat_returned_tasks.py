"""Completion parameters come from the caller's config (timeout may be in
them), and the tasks are returned: this function waits for nothing."""
import asyncio

from litellm import acompletion


class RolloutProcessor:
    def __call__(self, rows, config):
        async def process_row(row):
            params = {"messages": row.messages, **config.completion_params}
            return await acompletion(**params)

        async def bounded(row):
            async with config.semaphore:
                return await process_row(row)

        return [asyncio.create_task(bounded(r)) for r in rows]


async def direct(prompts: list[str], extra: dict) -> list:
    async def one(p: str):
        return await acompletion(model="gpt-4o-mini", messages=[{"role": "user", "content": p}], **extra)

    return await asyncio.gather(*[one(p) for p in prompts])
