"""A project gather helper taking `*coros`: each call of it is the fan-out."""
import asyncio

from litellm import aembedding


async def gather_all(*coros):
    return await asyncio.gather(*coros, return_exceptions=True)


class Indexer:
    async def embed(self, text: str) -> list[float]:
        resp = await aembedding(model="text-embedding-3-small", input=[text])
        return resp.data[0]["embedding"]

    async def embed_texts(self, texts: list[str]) -> list[list[float]]:
        return await gather_all(*[self.embed(t) for t in texts])  # expect: FAN101

    async def embed_sections(self, doc) -> list[list[float]]:
        tasks = [self.embed(s.body) for s in doc.sections if s.body]
        return await gather_all(*tasks)  # expect: FAN101
