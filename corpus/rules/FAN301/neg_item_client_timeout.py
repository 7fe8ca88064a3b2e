"""Status probe: each request is the task itself, on a client built with a timeout."""
import asyncio

import httpx

probe = httpx.AsyncClient(timeout=10.0)


async def probe_all(urls: list[str]) -> list[httpx.Response]:
    return await asyncio.gather(*[probe.get(u) for u in urls])
