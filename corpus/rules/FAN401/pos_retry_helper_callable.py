"""A generic retry helper: awaits the callable it is given, catches httpx errors."""
import asyncio
import httpx


async def fetch_with_retry(client: httpx.AsyncClient, fetch_fn, max_attempts: int, delay: float):
    for attempt in range(max_attempts):
        try:
            return await fetch_fn(client)
        except httpx.HTTPError:
            if attempt == max_attempts - 1:
                raise
            await asyncio.sleep(delay * 2 ** attempt)  # expect: FAN401
