"""The client comes from a factory that sets a small pool; the fan-out has no bound."""
import asyncio

import httpx


def make_client():
    return httpx.AsyncClient(limits=httpx.Limits(max_connections=10), timeout=20.0)  # expect: FAN702


class Thumbnailer:
    def __init__(self) -> None:
        self.http = make_client()

    async def thumb(self, url: str) -> bytes:
        resp = await self.http.get(url, params={"w": 128})
        return resp.content

    async def thumbs(self, urls: list[str]) -> list[bytes]:
        return await asyncio.gather(*[self.thumb(u) for u in urls])
