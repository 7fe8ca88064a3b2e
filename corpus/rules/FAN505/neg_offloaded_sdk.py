"""Sync SDK clients used from coroutines only through worker threads."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

import boto3
from openai import OpenAI

s3 = boto3.client("s3")
sync_client = OpenAI()
_pool = ThreadPoolExecutor(max_workers=4)


def _summarize(text: str) -> str:
    completion = sync_client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Summarize:\n{text}"}]
    )
    return completion.choices[0].message.content or ""


async def archive(key: str, body: bytes) -> None:
    await asyncio.to_thread(s3.put_object, Bucket="archive", Key=key, Body=body)


async def summarize(text: str) -> str:
    return await asyncio.to_thread(_summarize, text)


async def title(text: str) -> str:
    loop = asyncio.get_running_loop()
    completion = await loop.run_in_executor(
        None,
        lambda: sync_client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"Title for:\n{text}"}]
        ),
    )
    return completion.choices[0].message.content or ""


async def summarize_pooled(text: str) -> str:
    return await asyncio.wrap_future(_pool.submit(_summarize, text))


async def first_done(texts: list[str]) -> str:
    tasks = [asyncio.create_task(summarize(t)) for t in texts]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
