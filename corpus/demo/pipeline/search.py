"""Runs the planned queries against the search endpoint and collects documents."""

from __future__ import annotations

import asyncio
import logging
import time

from .client import LLMClient

logger = logging.getLogger(__name__)

Doc = dict[str, str]


class Researcher:
    def __init__(self, client: LLMClient, *, docs_per_query: int = 4) -> None:
        self.client = client
        self.docs_per_query = docs_per_query

    async def search_one(self, query: str) -> list[Doc]:
        started = time.perf_counter()
        docs = await self.client.search(query, k=self.docs_per_query)
        logger.info("search done: query=%r docs=%d", query, len(docs))
        logger.debug("search %r took %.3fs", query, time.perf_counter() - started)
        return docs

    async def search_all(self, queries: list[str]) -> list[Doc]:
        logger.info("Searching %d queries", len(queries))
        results = await asyncio.gather(*[self.search_one(q) for q in queries])
        seen: set[str] = set()
        docs: list[Doc] = []
        for doc in (d for batch in results for d in batch):
            if doc["url"] not in seen:
                seen.add(doc["url"])
                docs.append(doc)
        logger.info(f"Collected {len(docs)} unique documents")
        return docs
