"""Ingestion job: only new or changed documents are re-embedded; removed ones are deleted."""
import asyncio
import itertools
import json
import logging
import subprocess
from collections import Counter
from pathlib import Path

from .embed import Describer, Embedder
from .loader import chunk_document, load_documents
from .stores import Catalog, QdrantStore

log = logging.getLogger(__name__)

UPSERT_BATCH = 128


def load_manifest(path: Path) -> dict[str, str]:
    """doc id -> sha256 of the version last ingested."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def write_manifest(path: Path, manifest: dict[str, str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def source_revision(root: Path) -> str:
    try:
        out = subprocess.check_output(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], text=True)
    except (OSError, subprocess.CalledProcessError):
        return "unversioned"
    return out.strip()


class IngestJob:
    def __init__(self, root: Path, store: QdrantStore, catalog: Catalog, state_file: Path) -> None:
        self.root = root
        self.store = store
        self.catalog = catalog
        self.state_file = state_file
        self.embedder = Embedder()
        self.describer = Describer()

    async def run(self) -> dict[str, int]:
        await asyncio.gather(self.store.ensure_collection(), self.catalog.open())
        manifest = load_manifest(self.state_file)  # startup code: the job runs once from main (--include startup)
        revision = source_revision(self.root)  # startup code too
        docs = await load_documents(self.root)
        changed = [d for d in docs if manifest.get(d.id) != d.sha256]
        removed = sorted(set(manifest) - {d.id for d in docs})
        log.info("%d documents: %d changed, %d removed (rev %s)", len(docs), len(changed), len(removed), revision)

        chunks = [c for d in changed for c in chunk_document(d)]
        vectors = await self.embedder.embed_chunks(chunks)
        descriptions = await self.describer.describe_all(changed)
        source = {d.id: d.path for d in changed}
        points = [
            {
                "id": c.id,
                "vector": v,
                "payload": {"doc_id": c.doc_id, "chunk": c.index, "text": c.text,
                            "source": source[c.doc_id], "revision": revision},
            }
            for c, v in zip(chunks, vectors, strict=True)
        ]
        await self.store.delete_documents([d.id for d in changed] + removed)
        for batch in itertools.batched(points, UPSERT_BATCH):
            await self.store.upsert(list(batch))
        await self.catalog.record_documents(changed, Counter(c.doc_id for c in chunks), descriptions)
        await self.catalog.record_chunks(chunks)

        for doc_id in removed:
            manifest.pop(doc_id, None)
        manifest.update({d.id: d.sha256 for d in changed})
        await asyncio.to_thread(write_manifest, self.state_file, manifest)
        return {"documents": len(docs), "changed": len(changed), "removed": len(removed), "chunks": len(chunks)}
