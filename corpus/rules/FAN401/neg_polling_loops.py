"""Batch job polling: loops that sleep but are not retries."""
import asyncio

import httpx
from openai import AsyncOpenAI

openai_client = AsyncOpenAI()


async def wait_for_batch(batch_id: str):
    job = await openai_client.batches.retrieve(batch_id)
    while job.status not in ("completed", "failed", "expired", "cancelled"):
        await asyncio.sleep(30)
        job = await openai_client.batches.retrieve(batch_id)
    return job


async def wait_for_export(client: httpx.AsyncClient, job) -> str:
    while not job.done:
        await asyncio.sleep(5)
        job = await job.refresh(client)
    return job.download_url


async def wait_for_index(client: httpx.AsyncClient, index_id: str) -> bool:
    for _ in range(120):
        state = (await client.get(f"https://vectors.example.com/indexes/{index_id}")).json()["state"]
        if state == "ready":
            return True
        await asyncio.sleep(10)
    return False
