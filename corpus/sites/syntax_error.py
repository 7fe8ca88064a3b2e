"""Report builder; summarize() below is deliberately broken mid-edit."""
import asyncio
import json
import logging

log = logging.getLogger(__name__)


async def load_section(store, name):
    raw = await store.read(f"sections/{name}.json")
    return json.loads(raw)


async def load_sections(store, names):
    return await asyncio.gather(*[load_section(store, n) for n in names])  # site: gather data -> syntax_error.py:load_section


def summarize(rows):
    totals = {}
    for row in rows:
        def
        totals[row["key"]] = totals.get(row["key"], 0) + row["value"]
    return totals


async def refresh_one(cache, key):
    value = await cache.fetch(key)
    cache.store(key, value)
    return key, value


async def refresh_all(cache, keys):
    pairs = await asyncio.gather(*(refresh_one(cache, k) for k in keys))  # site: gather data -> syntax_error.py:refresh_one
    log.info("refreshed %d keys", len(pairs))
    return dict(pairs)


async def refresh_in_background(cache, keys):
    tasks = []
    for key in keys:
        tasks.append(asyncio.create_task(refresh_one(cache, key)))  # site: create_task data -> syntax_error.py:refresh_one
    done, pending = await asyncio.wait(tasks, timeout=30)
    for task in pending:
        task.cancel()
    return [t.result() for t in done]


async def refresh_sequential(cache, keys):
    out = []
    for key in keys:
        out.append(await refresh_one(cache, key))
    return out
