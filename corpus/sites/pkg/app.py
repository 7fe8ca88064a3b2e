"""Application layer wiring pkg.util helpers to pkg.workers."""
import asyncio
import functools
import logging

import pkg.workers as w
from . import workers
from .util import chunked, gather_limited, timed
from .workers import Worker

log = logging.getLogger(__name__)

BATCH_SIZE = 50


async def process_all(items):
    with timed("process_all"):
        return await gather_limited([workers.process(i) for i in items], limit=8)  # site: helper data -> pkg/workers.py:process


async def process_direct(items):
    return await asyncio.gather(*[w.process(i) for i in items])  # site: gather data -> pkg/workers.py:process


async def process_with_retries(items):
    return await asyncio.gather(*map(functools.partial(w.process, retries=3), items))  # site: gather data -> pkg/workers.py:process


async def process_indexed(items):
    return await asyncio.gather(*[w.process(items[i], retries=i % 3 + 1) for i in range(len(items))])  # site: gather data -> pkg/workers.py:process


async def upload(client, rows):
    results = []
    for batch in chunked(rows, BATCH_SIZE):
        results.extend(await gather_limited([client.post("/ingest", json=row) for row in batch], limit=BATCH_SIZE))  # site: helper fixed
    return results


class App:
    def __init__(self, items):
        self.items = items
        self._tasks = set()

    async def handle(self, x):
        result = await w.process(x, retries=2)
        log.info("handled %r -> %r", x, result)

    async def start(self):
        for x in self.items:
            task = asyncio.create_task(self.handle(x))  # site: create_task data -> pkg/app.py:App.handle
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def handle_first(self):
        first = asyncio.create_task(self.handle(self.items[0]))
        await first


class BatchWorker(Worker):
    async def run_all(self, jobs):
        async with asyncio.TaskGroup() as tg:
            for job in jobs:
                tg.create_task(self.run_one(job))  # site: create_task data -> pkg/workers.py:Worker.run_one
        return self.stats()

