"""The only `break` in the handler ends a loop of its own: the retry loop
around it still never gives up."""
import asyncio
import random

import httpx


async def push(client: httpx.AsyncClient, payload: dict, mirrors: list[str]) -> None:
    while True:  # expect: FAN402
        try:
            await client.post("https://primary.example.com/push", json=payload)
            return
        except httpx.TransportError:
            for mirror in mirrors:
                if mirror.endswith(".local"):
                    break
            await asyncio.sleep(1 + random.random())
