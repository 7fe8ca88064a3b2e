"""python ingest.py ./handbook --collection handbook --state .ingest-state.json"""
import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from ragingest.pipeline import IngestJob
from ragingest.stores import Catalog, QdrantStore

log = logging.getLogger("ragingest")


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ingest a document tree into Qdrant.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--collection", default="docs")
    parser.add_argument("--state", type=Path, default=Path(".ingest-state.json"))
    args = parser.parse_args(argv)

    store = QdrantStore(
        os.environ.get("QDRANT_URL", "http://localhost:6333"),
        args.collection,
        api_key=os.environ.get("QDRANT_API_KEY"),
    )
    catalog = Catalog(os.environ["CATALOG_DSN"])
    job = IngestJob(args.root, store, catalog, args.state)
    try:
        stats = await job.run()
    finally:
        await asyncio.gather(store.aclose(), catalog.close())
    log.info("ingest done: %s", stats)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main()))
