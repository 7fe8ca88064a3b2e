"""Search indexer: 20 permits over httpx's default 100 connections, 32 over a 32-slot connector."""
import asyncio
import logging

import aiohttp
import httpx

log = logging.getLogger(__name__)


class DocIndexer:
    def __init__(self):
        self.client = httpx.AsyncClient(base_url="https://search.example.com")
        self.sem = asyncio.Semaphore(20)

    async def index_doc(self, doc: dict) -> None:
        async with self.sem:
            await self.client.put(f"/index/docs/{doc['id']}", json=doc)

    async def index_all(self, docs: list[dict]) -> None:
        await asyncio.gather(*[self.index_doc(d) for d in docs])
        log.info("indexed %d docs", len(docs))


class AssetMirror:
    def __init__(self):
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32))
        self.sem = asyncio.Semaphore(32)

    async def mirror(self, url: str) -> bytes:
        async with self.sem:
            async with self.session.get(url) as resp:
                return await resp.read()

    async def mirror_all(self, asset_urls: list[str]) -> list[bytes]:
        return await asyncio.gather(*[self.mirror(u) for u in asset_urls])
