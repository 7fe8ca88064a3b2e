"""A streaming helper built on as_completed; callers build their task lists
with extend and +=, and one helper hands its list on to another."""
import asyncio

import httpx

client = httpx.AsyncClient(timeout=10)


async def stream_results(jobs):
    done = []
    for fut in asyncio.as_completed(jobs):
        done.append(await fut)
    return done


async def run_jobs(jobs):
    return await stream_results(jobs)


async def fetch(url: str) -> str:
    resp = await client.get(url)
    return resp.text


async def crawl(seeds: list[str], extra: list[str]) -> list[str]:
    tasks = []
    tasks.extend(fetch(u) for u in seeds)
    tasks += [fetch(u) for u in extra if u.startswith("https://")]
    return await stream_results(tasks)  # expect: FAN101


async def crawl_all(urls: list[str]) -> list[str]:
    return await run_jobs([fetch(u) for u in urls])  # expect: FAN101
