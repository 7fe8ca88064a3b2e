"""Shard pusher and tagger: fanned-out tasks that silently drop failed calls."""
import asyncio

import httpx
from openai import AsyncOpenAI

llm = AsyncOpenAI(timeout=60.0)


class ShardPusher:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url="https://store.example.com", timeout=15.0)

    async def push_shard(self, shard: list[dict]) -> int:
        written = 0
        for record in shard:
            try:
                await self.client.post("/records", json=record)
                written += 1
            except:  # expect: FAN903
                continue
        return written

    async def tag_record(self, record: dict) -> dict:
        try:
            completion = await llm.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": f"Tags for: {record['title']}"}]
            )
            record["tags"] = completion.choices[0].message.content
        except BaseException:  # expect: FAN903
            ...
        return record

    async def push_all(self, shards: list[list[dict]]) -> int:
        counts = await asyncio.gather(*(self.push_shard(s) for s in shards))
        return sum(counts)

    async def tag_all(self, records: list[dict]) -> list[dict]:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(self.tag_record(r)) for r in records]
        return [t.result() for t in tasks]
