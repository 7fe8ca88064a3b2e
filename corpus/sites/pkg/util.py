"""Small concurrency helpers shared by the pkg modules."""
import asyncio
import contextlib
import logging
import time

log = logging.getLogger(__name__)


async def _bounded(sem, coro):
    async with sem:
        return await coro


async def gather_limited(coros, limit=10):
    """Run every awaitable in `coros` concurrently, at most `limit` at a time."""
    sem = asyncio.Semaphore(limit)
    return await asyncio.gather(*(_bounded(sem, c) for c in coros))  # site: gather data -> pkg/util.py:_bounded


def chunked(items, size):
    """Yield successive lists of at most `size` items."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def retry(fn, *args, attempts=3, delay=0.5):
    """Call `fn(*args)` until it succeeds, sleeping between attempts."""
    for attempt in range(1, attempts + 1):
        try:
            return await fn(*args)
        except (OSError, asyncio.TimeoutError):
            if attempt == attempts:
                raise
            await asyncio.sleep(delay * attempt)


@contextlib.contextmanager
def timed(label):
    start = time.perf_counter()
    try:
        yield
    finally:
        log.debug("%s took %.3fs", label, time.perf_counter() - start)
