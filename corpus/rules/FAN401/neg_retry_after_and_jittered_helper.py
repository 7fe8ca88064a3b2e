"""Waits that are not lockstep: the server's Retry-After, and a backoff
helper of the project that draws its delays at random."""
import asyncio
import random

import httpx


class Backoff:
    def __init__(self, base: float = 1.0, cap: float = 30.0) -> None:
        self._rand = random.Random()
        self._base = base
        self._cap = cap
        self._n = 0

    def delay(self) -> float:
        self._n += 1
        return self._rand.uniform(0, min(self._cap, self._base * 2**self._n))


async def send(client: httpx.AsyncClient, url: str, body: dict) -> dict:
    for _ in range(5):
        resp = await client.post(url, json=body)
        if resp.status_code == 429:
            retry_after = float(resp.headers.get("Retry-After", "1"))
            await asyncio.sleep(retry_after)
            continue
        resp.raise_for_status()
        return resp.json()
    raise RuntimeError("rate limited")


async def reconnect(client: httpx.AsyncClient, url: str) -> httpx.Response:
    backoff = Backoff()
    for _ in range(6):
        try:
            return await client.get(url)
        except httpx.TransportError:
            await asyncio.sleep(backoff.delay())
    raise RuntimeError("gave up")


async def reconnect_assigned(client: httpx.AsyncClient, url: str) -> httpx.Response:
    backoff = Backoff()
    for _ in range(6):
        try:
            return await client.get(url)
        except httpx.TransportError:
            wait = backoff.delay()
            await asyncio.sleep(wait)
    raise RuntimeError("gave up")
