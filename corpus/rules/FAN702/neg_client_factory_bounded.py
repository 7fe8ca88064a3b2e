"""The same factory client, but the fan-out stays under its pool with a semaphore."""
import asyncio

import httpx


def make_client():
    return httpx.AsyncClient(limits=httpx.Limits(max_connections=10), timeout=20.0)


class Thumbnailer:
    def __init__(self) -> None:
        self.http = make_client()
        self.sem = asyncio.Semaphore(8)

    async def thumb(self, url: str) -> bytes:
        async with self.sem:
            resp = await self.http.get(url, params={"w": 128})
        return resp.content

    async def thumbs(self, urls: list[str]) -> list[bytes]:
        return await asyncio.gather(*[self.thumb(u) for u in urls])
