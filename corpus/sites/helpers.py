"""Embedding service built on its own concurrency helpers: each call of a helper
that fans out its argument is a fan-out site of the caller."""
import asyncio

import httpx
from tqdm.asyncio import tqdm as atqdm

BATCH = 32


async def semaphore_gather(*coros, limit=8):
    sem = asyncio.Semaphore(limit)

    async def bounded(coro):
        async with sem:
            return await coro

    return await asyncio.gather(*(bounded(c) for c in coros))  # site: gather data -> helpers.py:semaphore_gather.bounded


async def first_done(jobs):
    results = []
    for fut in asyncio.as_completed(jobs):  # site: as_completed data
        results.append(await fut)
    return results


async def spawn_all(coros):
    async with asyncio.TaskGroup() as tg:
        handles = [tg.create_task(c) for c in coros]  # site: create_task data
    return [h.result() for h in handles]


async def run_in_batches(tasks, batch_size):
    out = []
    for start in range(0, len(tasks), batch_size):
        out.extend(await asyncio.gather(*tasks[start:start + batch_size]))  # site: gather data
    return out


async def run_all(coros):
    return await semaphore_gather(*coros)  # site: helper data


class Embedder:
    def __init__(self):
        self.client = httpx.AsyncClient(timeout=20)
        self.top_k = 5

    async def embed(self, text):
        resp = await self.client.post("/embed", json={"input": text})
        return resp.json()["vector"]

    async def embed_star(self, texts):
        return await semaphore_gather(*[self.embed(t) for t in texts])  # site: helper data -> helpers.py:Embedder.embed

    async def embed_extended(self, texts, titles):
        tasks = []
        tasks.extend(self.embed(t) for t in texts)
        tasks.extend(self.embed(t) for t in titles if t)
        return await semaphore_gather(*tasks)  # site: helper data -> helpers.py:Embedder.embed

    async def embed_plus(self, texts):
        tasks = []
        tasks += [self.embed(t) for t in texts if t.strip()]
        return await asyncio.gather(*tasks)  # site: gather data -> helpers.py:Embedder.embed

    async def embed_first_done(self, texts):
        return await first_done([self.embed(t) for t in texts])  # site: helper data -> helpers.py:Embedder.embed

    async def embed_grouped(self, texts):
        return await spawn_all([self.embed(t) for t in texts])  # site: helper data -> helpers.py:Embedder.embed

    async def embed_batched(self, texts):
        return await run_in_batches([self.embed(t) for t in texts], 16)  # site: helper fixed -> helpers.py:Embedder.embed

    async def embed_batched_const(self, texts):
        return await run_in_batches([self.embed(t) for t in texts], BATCH)  # site: helper fixed -> helpers.py:Embedder.embed

    async def embed_batched_by(self, texts, size):
        return await run_in_batches([self.embed(t) for t in texts], size)  # site: helper data -> helpers.py:Embedder.embed

    async def embed_composed(self, texts):
        return await run_all([self.embed(t) for t in texts])  # site: helper data -> helpers.py:Embedder.embed

    async def embed_top(self, ranked):
        return await asyncio.gather(*[self.embed(t) for t in ranked[: self.top_k]])  # site: gather fixed -> helpers.py:Embedder.embed

    async def embed_progress(self, texts):
        return await atqdm.gather(*[self.embed(t) for t in texts], desc="embedding")  # site: gather data -> helpers.py:Embedder.embed

    async def embed_pair(self, a, b):
        return await semaphore_gather(self.embed(a), self.embed(b))  # site: helper fixed


async def fetch_pages(client, urls):
    return await asyncio.gather(*[client.get(u) for u in urls])  # site: gather data


async def refresh(client, urls):
    # a list of data handed to an orchestrator: the fan-out is the one in fetch_pages
    return await fetch_pages(client, urls)


async def answer(client, question):
    resp = await client.post("/answer", json={"q": question})
    return resp.json()


async def answer_each(client, questions, limit=2):
    sem = asyncio.Semaphore(limit)

    async def answer_one(q):
        async with sem:
            return await answer(client, q)

    return await asyncio.gather(*[answer_one(q) for q in questions])  # site: gather data -> helpers.py:answer_each.answer_one


async def answer_all(client, questions):
    # the wrapper makes tasks from data, it does not run given awaitables: no site here
    return await answer_each(client, questions)
