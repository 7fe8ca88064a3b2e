"""Turns batches of chunks into vectors with the embedding service."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx

log = logging.getLogger(__name__)

Chunk = tuple[str, str]  # (chunk id, text)


class Embedder:
    def __init__(self, base_url: str, *, model: str = "embed-small") -> None:
        # The service is "always fast", so nobody set a timeout.
        self.http = httpx.AsyncClient(base_url=base_url, timeout=None)
        self.model = model

    async def embed_batch(self, batch: list[Chunk]) -> list[list[float]]:
        resp = await self.http.post("/v1/embed", json={
            "model": self.model,
            "inputs": [{"id": cid, "text": text} for cid, text in batch],
        })
        resp.raise_for_status()
        return resp.json()["vectors"]

    async def embed_all(self, batches: list[list[Chunk]]) -> list[list[list[float]]]:
        log.info("embedding %d batches", len(batches))
        started = time.perf_counter()
        vectors = await asyncio.gather(*[self.embed_batch(b) for b in batches])
        log.info("embedded %d batches in %.2fs", len(batches), time.perf_counter() - started)
        return vectors

    async def aclose(self) -> None:
        await self.http.aclose()
