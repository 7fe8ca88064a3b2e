"""Handlers that catch everything but retry only some types: the others are
raised again at once (the pattern of redis-py's cluster pipeline)."""
import asyncio
import random

import httpx

RETRYABLE = (httpx.ConnectError, httpx.ReadTimeout)


async def execute(client: httpx.AsyncClient, url: str) -> httpx.Response:
    for _ in range(3):
        try:
            return await client.get(url)
        except BaseException as e:
            if type(e) not in RETRYABLE:
                raise
            await asyncio.sleep(random.uniform(0.1, 0.5))
    raise RuntimeError("no response")


async def send(client: httpx.AsyncClient, url: str, body: dict) -> httpx.Response:
    for _ in range(3):
        try:
            return await client.post(url, json=body)
        except Exception as exc:
            if not isinstance(exc, RETRYABLE):
                raise
            await asyncio.sleep(random.uniform(0.1, 0.5))
    raise RuntimeError("not sent")
