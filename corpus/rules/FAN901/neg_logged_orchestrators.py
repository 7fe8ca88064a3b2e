"""Orchestrators that log what they fan out."""
import asyncio
import logging

import httpx

logger = logging.getLogger(__name__)


class Indexer:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url="https://search.example.com", timeout=10.0)
        self.logger = logging.getLogger("indexer")
        self.sem = asyncio.Semaphore(10)

    async def index_one(self, doc: dict) -> int:
        async with self.sem:
            resp = await self.client.put(f"/docs/{doc['id']}", json=doc)
        return resp.status_code

    async def index_all(self, docs: list[dict]) -> list[int]:
        self.logger.info("indexing %d documents", len(docs))
        return await asyncio.gather(*(self.index_one(d) for d in docs))


async def refresh_all(indexer: Indexer, batches: list[list[dict]]) -> None:
    results = await asyncio.gather(*[indexer.index_all(b) for b in batches])
    logger.info("refreshed %d batches, %d failures", len(results), sum(c >= 400 for r in results for c in r))


async def reindex(indexer: Indexer, docs: list[dict]) -> None:
    pending = [asyncio.create_task(indexer.index_one(d)) for d in docs]
    for fut in asyncio.as_completed(pending):
        code = await fut
        logging.debug("reindexed one document: %s", code)
