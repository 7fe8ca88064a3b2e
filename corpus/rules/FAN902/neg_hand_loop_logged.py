"""Hand-written retry loop that logs each failed attempt."""
import asyncio
import logging
import random

import httpx

logger = logging.getLogger(__name__)


async def upload_chunk(client: httpx.AsyncClient, url: str, chunk: bytes, index: int) -> None:
    for attempt in range(5):
        try:
            resp = await client.put(f"{url}?part={index}", content=chunk)
            resp.raise_for_status()
            return
        except httpx.TransportError as exc:
            logger.warning("chunk %d upload failed (attempt %d/5): %s", index, attempt + 1, exc)
            await asyncio.sleep(2 ** attempt + random.random())
    raise RuntimeError(f"chunk {index} failed")


async def finalize(client: httpx.AsyncClient, url: str) -> dict:
    attempt = 0
    while attempt < 4:
        resp = await client.post(f"{url}/complete")
        if resp.status_code == 429:
            attempt += 1
            logger.info("finalize throttled, attempt %d", attempt)
            await asyncio.sleep(random.uniform(1, 3))
            continue
        resp.raise_for_status()
        return resp.json()
    raise RuntimeError("finalize throttled")
