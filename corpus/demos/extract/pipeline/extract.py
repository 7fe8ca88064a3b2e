"""Extracts structured fields from every document with the LLM."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass

from .llm import LLMClient

log = logging.getLogger(__name__)

INSTRUCTIONS = """You extract fields from documents. Answer with one JSON object with the keys
"doc", "entities" (at most three names) and "year". Other documents of the collection
are given as reference so that names can be resolved consistently."""


@dataclass
class Document:
    id: str
    title: str
    text: str


class Extractor:
    def __init__(self, llm: LLMClient) -> None:
        self.llm = llm

    async def extract_one(self, doc: Document, collection: list[Document]) -> dict:
        context = "\n\n".join(f"[{d.id}] {d.title}\n{d.text}" for d in collection)
        prompt = (f"{INSTRUCTIONS}\n\nReference documents:\n{context}\n\n"
                  f"Extract the fields of [{doc.id}]:\n{doc.text}")
        fields = json.loads(await self.llm.complete(prompt))
        log.info("extracted %s: %d entities", doc.id, len(fields["entities"]))
        return fields

    async def extract_all(self, docs: list[Document]) -> list[dict]:
        log.info("extracting fields from %d documents", len(docs))
        started = time.perf_counter()
        records = await asyncio.gather(*[self.extract_one(d, docs) for d in docs])
        log.info("extracted %d records in %.2fs", len(records), time.perf_counter() - started)
        return records
