"""Payment webhook relay: hand-written retry loops that never give up (or nearly)."""
import asyncio
import random

import httpx

RELAY_URL = "https://payments.example.com/relay"


async def relay(client: httpx.AsyncClient, payload: dict) -> dict:
    while True:  # expect: FAN402
        try:
            resp = await client.post(RELAY_URL, json=payload)
            resp.raise_for_status()
            return resp.json()
        except (httpx.TransportError, httpx.HTTPStatusError):
            await asyncio.sleep(5 + random.random())


async def confirm(client: httpx.AsyncClient, payment_id: str) -> bool:
    for attempt in range(30):  # expect: FAN402
        try:
            resp = await client.get(f"{RELAY_URL}/{payment_id}/confirm")
            resp.raise_for_status()
            return resp.json()["confirmed"]
        except httpx.TransportError:
            await asyncio.sleep(min(60, 2 ** attempt) * random.uniform(0.5, 1.0))
    return False
