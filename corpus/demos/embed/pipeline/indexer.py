"""Writes each document's chunk vectors to the search index."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx

log = logging.getLogger(__name__)


class Indexer:
    def __init__(self, base_url: str, *, index: str = "docs") -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=10.0)
        self.index = index

    async def index_doc(self, doc_id: str, items: list[tuple[str, list[float]]]) -> int:
        resp = await self.http.post("/v1/index", json={
            "index": self.index,
            "doc": doc_id,
            "items": [{"id": cid, "vector": vec} for cid, vec in items],
        })
        resp.raise_for_status()
        return resp.json()["written"]

    async def index_all(self, by_doc: dict[str, list[tuple[str, list[float]]]]) -> int:
        log.info("indexing %d documents", len(by_doc))
        started = time.perf_counter()
        written = await asyncio.gather(*[self.index_doc(d, items) for d, items in by_doc.items()])
        log.info("indexed %d vectors in %.2fs", sum(written), time.perf_counter() - started)
        return sum(written)

    async def aclose(self) -> None:
        await self.http.aclose()
