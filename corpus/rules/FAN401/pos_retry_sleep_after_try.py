"""A retry whose wait comes after the try: a success leaves the loop, so only a
failure reaches the sleep."""
import asyncio

import httpx


async def fetch(client: httpx.AsyncClient, url: str) -> str:
    for attempt in range(4):
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            return resp.text
        except httpx.HTTPError:
            pass
        await asyncio.sleep(2**attempt)  # expect: FAN401
    raise RuntimeError(url)


async def fetch_status(client: httpx.AsyncClient, url: str) -> str:
    # an error status goes round again: a retry, whatever raised
    for attempt in range(4):
        try:
            resp = await client.get(url)
            if resp.status_code not in (429, 503):
                return resp.text
        except httpx.TransportError:
            pass
        await asyncio.sleep(1.5 * attempt)  # expect: FAN401
    raise RuntimeError(url)
