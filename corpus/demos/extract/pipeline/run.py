"""The driver: runs the phases one after the other."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter

from .extract import Document, Extractor
from .llm import LLMClient

log = logging.getLogger(__name__)


class Pipeline:
    def __init__(self, base_url: str) -> None:
        self.llm = LLMClient(base_url)
        self.extractor = Extractor(self.llm)

    async def run(self, docs: list[Document]) -> str:
        started = time.perf_counter()
        docs = [d for d in docs if d.text.strip()]
        log.info("loaded %d documents (%d KB)", len(docs), sum(len(d.text) for d in docs) // 1024)

        records = await self.extractor.extract_all(docs)

        log.info("summarizing %d records", len(records))
        entities = Counter(e for r in records for e in r["entities"])
        summary = await self.llm.complete(f"Summarize the collection from these records:\n"
                                          f"{json.dumps(records)}\nMost frequent: {entities.most_common(5)}")
        log.info("pipeline finished in %.2fs: summary of %d chars", time.perf_counter() - started, len(summary))
        return summary

    async def aclose(self) -> None:
        await self.llm.aclose()
