"""Vector store (Qdrant REST API) and the Postgres ingestion catalog."""
import asyncio
import itertools
import logging

import asyncpg
import httpx

from .loader import Chunk, Document

log = logging.getLogger(__name__)

DELETE_BATCH = 32


class QdrantStore:
    def __init__(self, url: str, collection: str, api_key: str | None = None, dim: int = 1536) -> None:
        headers = {"api-key": api_key} if api_key else {}
        self.client = httpx.AsyncClient(base_url=url, headers=headers, timeout=10.0)
        self.collection = collection
        self.dim = dim

    async def ensure_collection(self) -> None:
        resp = await self.client.get(f"/collections/{self.collection}")
        if resp.status_code == 404:
            resp = await self.client.put(
                f"/collections/{self.collection}",
                json={"vectors": {"size": self.dim, "distance": "Cosine"}},
            )
        resp.raise_for_status()

    async def upsert(self, points: list[dict]) -> None:
        # Large batches with wait=true can take a while to index: longer deadline than the default.
        resp = await self.client.put(
            f"/collections/{self.collection}/points",
            params={"wait": "true"},
            json={"points": points},
            timeout=60.0,
        )
        resp.raise_for_status()

    async def delete_document(self, doc_id: str) -> None:
        resp = await self.client.post(
            f"/collections/{self.collection}/points/delete",
            json={"filter": {"must": [{"key": "doc_id", "match": {"value": doc_id}}]}},
        )
        resp.raise_for_status()

    async def delete_documents(self, doc_ids: list[str]) -> None:
        for batch in itertools.batched(doc_ids, DELETE_BATCH):
            await asyncio.gather(*[self.delete_document(d) for d in batch])
        log.info("deleted points of %d documents", len(doc_ids))

    async def aclose(self) -> None:
        await self.client.aclose()


class Catalog:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self.pool = await asyncpg.create_pool(self.dsn, min_size=2, max_size=10)  # expect: FAN702

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def mark_indexed(self, doc: Document, n_chunks: int, description: str) -> None:
        await self.pool.execute(
            """
            INSERT INTO documents (id, path, sha256, n_chunks, description, indexed_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (id) DO UPDATE
               SET sha256 = $3, n_chunks = $4, description = $5, indexed_at = now()
            """,
            doc.id, doc.path, doc.sha256, n_chunks, description,
        )

    async def record_documents(self, docs: list[Document], counts: dict[str, int], descriptions: dict[str, str]) -> None:
        await asyncio.gather(*[self.mark_indexed(d, counts[d.id], descriptions.get(d.id, "")) for d in docs])  # expect: FAN101

    async def record_chunks(self, chunks: list[Chunk]) -> None:
        await self.pool.executemany(
            "INSERT INTO chunks (id, doc_id, idx, n_chars) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
            [(c.id, c.doc_id, c.index, len(c.text)) for c in chunks],
        )
