"""Embeddings and one-line document descriptions (OpenAI)."""
import asyncio
import itertools
import logging

import openai
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from .loader import Chunk, Document

log = logging.getLogger(__name__)

EMBED_MODEL = "text-embedding-3-small"
EMBED_BATCH = 32
DESCRIBE_SYSTEM = "Describe this document in one sentence for a search index. No preamble."
TRANSIENT = (openai.RateLimitError, openai.APIConnectionError, openai.InternalServerError)


class Embedder:
    def __init__(self, concurrency: int = 4) -> None:
        self.client = openai.AsyncOpenAI(timeout=30.0, max_retries=0)
        self.sem = asyncio.Semaphore(concurrency)

    @retry(
        retry=retry_if_exception_type(TRANSIENT),
        wait=wait_random_exponential(min=1, max=60),
        stop=stop_after_attempt(6),
    )
    async def _embed_batch(self, texts: list[str]) -> list[list[float]]:
        async with self.sem:
            resp = await self.client.embeddings.create(model=EMBED_MODEL, input=texts)
        return [item.embedding for item in sorted(resp.data, key=lambda d: d.index)]

    async def embed_chunks(self, chunks: list[Chunk]) -> list[list[float]]:
        groups = list(itertools.batched(chunks, EMBED_BATCH))
        results = await asyncio.gather(*[self._embed_batch([c.text for c in g]) for g in groups])  # expect: FAN201
        vectors = [v for group in results for v in group]
        log.info("embedded %d chunks in %d requests", len(vectors), len(groups))
        return vectors


class Describer:
    def __init__(self, model: str = "gpt-4o-mini") -> None:
        self.client = openai.AsyncOpenAI(timeout=20.0)
        self.model = model

    async def describe(self, doc: Document) -> str:
        limiter = asyncio.Semaphore(4)  # expect: FAN102
        async with limiter:
            resp = await self.client.chat.completions.create(
                model=self.model,
                max_tokens=80,
                messages=[
                    {"role": "system", "content": DESCRIBE_SYSTEM},
                    {"role": "user", "content": doc.text[:6000]},
                ],
            )
        return (resp.choices[0].message.content or "").strip()

    async def describe_all(self, docs: list[Document]) -> dict[str, str]:
        descriptions = await asyncio.gather(*[self.describe(d) for d in docs])  # expect: FAN201
        return {d.id: text for d, text in zip(docs, descriptions)}
