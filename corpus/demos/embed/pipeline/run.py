"""The driver: runs the phases one after the other."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from .embedder import Chunk, Embedder
from .indexer import Indexer

log = logging.getLogger(__name__)


@dataclass
class Document:
    id: str
    text: str


def chunk(docs: list[Document], size: int) -> list[Chunk]:
    return [(f"{d.id}#{i // size}", d.text[i:i + size])
            for d in docs for i in range(0, len(d.text), size)]


class Pipeline:
    def __init__(self, base_url: str, *, chunk_chars: int = 400, batch_size: int = 4) -> None:
        self.embedder = Embedder(base_url)
        self.indexer = Indexer(base_url)
        self.chunk_chars = chunk_chars
        self.batch_size = batch_size

    async def run(self, docs: list[Document]) -> int:
        started = time.perf_counter()
        log.info("pipeline started: %d documents", len(docs))
        chunks = chunk(docs, self.chunk_chars)
        batches = [chunks[i:i + self.batch_size] for i in range(0, len(chunks), self.batch_size)]
        log.info("chunked %d documents into %d chunks", len(docs), len(chunks))

        vectors = await self.embedder.embed_all(batches)

        by_doc: dict[str, list[tuple[str, list[float]]]] = {}
        for batch, vecs in zip(batches, vectors):
            for (cid, _), vec in zip(batch, vecs):
                by_doc.setdefault(cid.split("#")[0], []).append((cid, vec))
        written = await self.indexer.index_all(by_doc)
        log.info("pipeline finished in %.2fs: %d vectors indexed", time.perf_counter() - started, written)
        return written

    async def aclose(self) -> None:
        await self.embedder.aclose()
        await self.indexer.aclose()
