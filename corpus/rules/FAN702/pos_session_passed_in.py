"""The session is annotated in the callee and built by the caller."""
import asyncio

import aiohttp


class Downloader:
    async def download_file(self, session: aiohttp.ClientSession, url: str) -> bytes:
        async with session.get(url, timeout=30) as r:
            return await r.read()

    async def run(self, urls: list[str]) -> list[bytes]:
        async with aiohttp.ClientSession() as session:  # expect: FAN702
            return await asyncio.gather(*[self.download_file(session, u) for u in urls])
