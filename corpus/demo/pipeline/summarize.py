"""Condenses retrieved documents into short per-chunk notes."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from .client import LLMClient
from .search import Doc

logger = logging.getLogger(__name__)

SUMMARY_PROMPT = """Use the sources below to answer questions about: {question}

Sources:
{context}

Summarize the following excerpt in two or three sentences, keeping any numbers:
{excerpt}
"""


@dataclass
class Chunk:
    index: int
    source: str
    text: str


class Summarizer:
    def __init__(self, client: LLMClient, *, chunk_chars: int = 400) -> None:
        self.client = client
        self.chunk_chars = chunk_chars

    def chunk(self, docs: list[Doc]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for doc in docs:
            text = doc["text"]
            for start in range(0, len(text), self.chunk_chars):
                chunks.append(Chunk(len(chunks), doc["url"], text[start:start + self.chunk_chars]))
        return chunks

    async def summarize_chunk(self, sem: asyncio.Semaphore, question: str, chunk: Chunk,
                              all_docs: list[Doc]) -> str:
        async with sem:
            context = "\n\n".join(d["text"] for d in all_docs)
            prompt = SUMMARY_PROMPT.format(question=question, context=context, excerpt=chunk.text)
            summary = await self.client.complete(prompt, max_tokens=96)
        logger.info(f"summarized chunk {chunk.index} ({len(chunk.text)} chars -> {len(summary)} chars)")
        return summary

    async def summarize_all(self, question: str, docs: list[Doc]) -> list[str]:
        chunks = self.chunk(docs)
        logger.info("Summarizing {} chunks from {} documents".format(len(chunks), len(docs)))
        sem = asyncio.Semaphore(8)
        pending = []
        for chunk in chunks:
            pending.append(self.summarize_chunk(sem, question, chunk, docs))
        summaries = await asyncio.gather(*pending)
        return [s for s in summaries if s.strip()]
