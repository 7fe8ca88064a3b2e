"""Model gateway: hand-written retries that stop after a few attempts."""
import asyncio
import random

import httpx

GATEWAY = "https://llm-gateway.example.com/v1/generate"


async def generate(client: httpx.AsyncClient, prompt: str) -> str:
    for attempt in range(3):
        try:
            resp = await client.post(GATEWAY, json={"prompt": prompt})
            resp.raise_for_status()
            return resp.json()["text"]
        except httpx.TransportError:
            await asyncio.sleep(2 ** attempt + random.random())
    raise RuntimeError("gateway unavailable")


async def generate_stream_token(client: httpx.AsyncClient) -> str:
    attempt = 0
    while True:
        try:
            resp = await client.post(f"{GATEWAY}/token")
            resp.raise_for_status()
            return resp.json()["token"]
        except httpx.TransportError:
            attempt += 1
            if attempt >= 4:
                raise
            await asyncio.sleep(random.uniform(0.5, 1.5) * attempt)
