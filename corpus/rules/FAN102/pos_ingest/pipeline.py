"""Ingestion orchestrator: embed every passage of a document."""
import asyncio
import logging

from .embedder import embed_passage

log = logging.getLogger(__name__)


async def ingest(doc_id: str, passages: list[str], store) -> None:
    vectors = await asyncio.gather(*[embed_passage(p) for p in passages])
    await store.upsert(doc_id, list(zip(passages, vectors)))
    log.info("ingested %s: %d passages", doc_id, len(passages))
