"""Status page poller: backoff only on aiohttp/timeout errors; hand loop on transport errors."""
import asyncio
import random

import aiohttp
import backoff
import httpx

STATUS_URL = "https://status.example.com/api/v2/summary.json"


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_tries=4)
async def summary(session: aiohttp.ClientSession) -> dict:
    async with session.get(STATUS_URL) as resp:
        resp.raise_for_status()
        return await resp.json()


@backoff.on_exception(backoff.expo, (asyncio.TimeoutError, aiohttp.ClientError), max_time=30)
async def incidents(session: aiohttp.ClientSession) -> list[dict]:
    async with session.get(STATUS_URL.replace("summary", "incidents")) as resp:
        resp.raise_for_status()
        return (await resp.json())["incidents"]


async def components(client: httpx.AsyncClient) -> list[dict]:
    for attempt in range(3):
        try:
            resp = await client.get(STATUS_URL.replace("summary", "components"))
            resp.raise_for_status()
            return resp.json()["components"]
        except (httpx.TimeoutException, httpx.ConnectError):
            await asyncio.sleep(2 ** attempt + random.random())
    return []
