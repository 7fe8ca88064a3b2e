"""Item processing: a module-level coroutine and a Worker class."""
import asyncio as aio
import logging
import random

log = logging.getLogger(__name__)

MAX_WORKERS = 8


class TransientError(Exception):
    pass


async def _handle(item):
    await aio.sleep(random.random() / 10)
    if item is None:
        raise TransientError("empty item")
    return {"item": item, "ok": True}


async def process(item, retries=1):
    for attempt in range(retries):
        try:
            return await _handle(item)
        except TransientError:
            await aio.sleep(0.1 * 2 ** attempt)
    return {"item": item, "ok": False}


async def _drain(queue):
    while True:
        item = await queue.get()
        try:
            await process(item)
        finally:
            queue.task_done()


async def process_queue(queue):
    loop = aio.get_running_loop()
    consumers = [loop.create_task(_drain(queue)) for _ in range(MAX_WORKERS)]  # site: create_task fixed -> pkg/workers.py:_drain
    await queue.join()
    for consumer in consumers:
        consumer.cancel()


class Worker:
    def __init__(self, name, retries=2):
        self.name = name
        self.retries = retries
        self.completed = 0

    async def run_one(self, job):
        result = await process(job, retries=self.retries)
        self.completed += 1
        return result

    async def run_batch(self, jobs):
        return await aio.gather(*[self.run_one(j) for j in jobs])  # site: gather data -> pkg/workers.py:Worker.run_one

    async def run_serial(self, jobs):
        return [await self.run_one(j) for j in jobs]

    def stats(self):
        return {"name": self.name, "completed": self.completed}
