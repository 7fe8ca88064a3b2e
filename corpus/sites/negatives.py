"""Near misses: nothing in this module starts concurrent work.

Writes to the ledger must stay ordered, so do not reach for
asyncio.gather(*coros) or asyncio.create_task(...) in here.
"""
import asyncio
import logging

log = logging.getLogger(__name__)

HINT = "use asyncio.gather(*tasks) to run these at once"  # asyncio.gather( in a comment too


def gather(records, key):
    """Group records by key; a plain reducer unrelated to asyncio."""
    groups = {}
    for rec in records:
        groups.setdefault(rec[key], []).append(rec)
    return groups


def column_summary(df, cols):
    picked = df.gather(cols)
    return gather(picked.to_dicts(), "region")


class Ledger:
    def __init__(self, store, results):
        self.store = store
        self.results = results
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._flusher = None

    def start(self):
        self._flusher = asyncio.create_task(self.flush_forever())

    async def apply(self, entry):
        async with self._lock:
            await self.store.write(entry)
            self.results.gather(entry)
        self._changed.set()

    async def apply_all(self, entries):
        for entry in entries:
            await self.apply(entry)

    async def watch(self):
        while True:
            await self._changed.wait()
            self._changed.clear()
            log.info("ledger changed: %d entries", len(self.results))

    async def flush_forever(self):
        while True:
            await asyncio.sleep(5)
            await self.store.flush()


async def poll(client, url, attempts):
    for attempt in range(attempts):
        resp = await asyncio.wait_for(client.get(url), timeout=5)
        if resp.status_code == 200:
            return resp
        await asyncio.sleep(2 ** attempt)
    raise TimeoutError(url)


async def replay(store, events):
    coros = [store.apply(e) for e in events]
    for coro in coros:
        await coro


def collect_names(users):
    names = []
    for user in users:
        names.append(user.name.title())
    labels = list(map(str, names))
    return names, labels


async def drain(queue):
    items = []
    while not queue.empty():
        items.append(await queue.get())
    return items


async def sort_offthread(data):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, sorted, data)


async def supervised(job):
    async with asyncio.TaskGroup() as tg:
        tg.create_task(job.run())
    return job.result


async def cancel_all(tasks):
    for task in tasks:
        task.cancel()
    await asyncio.sleep(0)


async def main(store):
    ledger = Ledger(store, results=[])
    ledger.start()
    await ledger.apply_all(await drain(store.inbox))


if __name__ == "__main__":
    asyncio.run(main(None))
