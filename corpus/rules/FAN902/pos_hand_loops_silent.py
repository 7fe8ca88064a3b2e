"""Model gateway calls retried by hand without ever logging a failure."""
import asyncio
import random

import httpx

GATEWAY = "https://llm-gateway.example.com/v1"


async def complete(client: httpx.AsyncClient, prompt: str) -> str:
    for attempt in range(4):  # expect: FAN902
        try:
            resp = await client.post(f"{GATEWAY}/complete", json={"prompt": prompt})
            resp.raise_for_status()
            return resp.json()["text"]
        except (httpx.TransportError, httpx.HTTPStatusError):
            if attempt == 3:
                raise
            await asyncio.sleep(2 ** attempt + random.random())
    raise AssertionError("unreachable")


async def moderation(client: httpx.AsyncClient, text: str) -> dict:
    attempt = 0
    while attempt < 5:  # expect: FAN902
        resp = await client.post(f"{GATEWAY}/moderate", json={"input": text})
        if resp.status_code in (429, 503):
            attempt += 1
            await asyncio.sleep(random.uniform(0.5, 2.0) * attempt)
            continue
        resp.raise_for_status()
        return resp.json()
    raise RuntimeError("moderation endpoint overloaded")
