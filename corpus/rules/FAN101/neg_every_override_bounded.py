"""Every implementation of the abstract fetch holds a shared limiter."""
import asyncio

import httpx

LIMIT = asyncio.Semaphore(8)


class Source:
    async def fetch(self, key: str) -> bytes:
        raise NotImplementedError

    async def fetch_all(self, keys: list[str]) -> list[bytes]:
        return await asyncio.gather(*[self.fetch(k) for k in keys])


class HttpSource(Source):
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=10)

    async def fetch(self, key: str) -> bytes:
        async with LIMIT:
            return (await self.http.get(f"https://blobs.example.com/{key}")).content


class MirrorSource(Source):
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=10)

    async def fetch(self, key: str) -> bytes:
        async with LIMIT:
            return (await self.http.get(f"https://mirror.example.com/{key}")).content
