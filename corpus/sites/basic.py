"""Concurrent page fetching: the common asyncio fan-out shapes."""
import asyncio
import zlib
from asyncio import gather
from concurrent.futures import ThreadPoolExecutor

MAX_WORKERS = 4

async def fetch_page(client, url):
    resp = await client.get(url, follow_redirects=True)
    return resp.raise_for_status().text

async def fetch_all(client, urls):
    return await asyncio.gather(*[fetch_page(client, u) for u in urls])  # site: gather data -> basic.py:fetch_page

async def fetch_all_lazy(client, urls):
    pages = await gather(*(fetch_page(client, u) for u in urls))  # site: gather data -> basic.py:fetch_page
    return dict(zip(urls, pages))

async def ping_mirrors(client):
    return await asyncio.gather(*[fetch_page(client, f"https://{m}.example.org/ping") for m in ("eu", "us", "ap")])  # site: gather fixed -> basic.py:fetch_page

async def fetch_status(url):
    proc = await asyncio.create_subprocess_exec("curl", "-sI", url, stdout=asyncio.subprocess.PIPE)
    return (await proc.communicate())[0].split(b"\r\n", 1)[0].decode()

async def statuses(urls):
    return await asyncio.gather(*map(fetch_status, urls))  # site: gather data -> basic.py:fetch_status

async def statuses_via_list(client, urls):
    coros = list(map(lambda u: client.head(u), urls))
    return await asyncio.gather(*coros)  # site: gather data

async def fetch_bound(client, urls):
    requests = [client.get(u, timeout=10) for u in urls]
    return await asyncio.gather(*requests, return_exceptions=True)  # site: gather data

async def fetch_appended(client, urls):
    pending = []
    for u in urls:
        if u.startswith("https://"):
            pending.append(client.get(u))
    return await asyncio.gather(*pending)  # site: gather data

async def dashboard(db, user_id):
    profile, orders, prefs = await asyncio.gather(  # site: gather fixed
        db.fetch_profile(user_id),
        db.fetch_orders(user_id),
        db.fetch_prefs(user_id),
    )
    return {"profile": profile, "orders": orders, "prefs": prefs}

async def warm_cache(cache, keys):
    futures = {}
    for key in keys:
        futures[key] = asyncio.ensure_future(cache.load(key))  # site: ensure_future data
    for key, fut in futures.items():
        cache[key] = await fut

async def wait_all(tasks, timeout):
    done, pending = await asyncio.wait(tasks, timeout=timeout)  # site: wait data
    return done, pending

class Fetcher:
    def __init__(self, client, urls, scheduler):
        self.client = client
        self.urls = urls
        self.scheduler = scheduler
        self._pool = ThreadPoolExecutor(max_workers=MAX_WORKERS)
        self._background = set()

    async def fetch_one(self, url):
        resp = await self.client.get(url)
        return resp.raise_for_status().content

    async def fetch_all(self):
        tasks = []
        for url in self.urls:
            tasks.append(asyncio.create_task(self.fetch_one(url)))  # site: create_task data -> basic.py:Fetcher.fetch_one
        return await asyncio.gather(*tasks)

    async def fetch_some(self, urls):
        tasks = [asyncio.create_task(self.fetch_one(u)) for u in urls]  # site: create_task data -> basic.py:Fetcher.fetch_one
        done, _ = await asyncio.wait(tasks)
        return [t.result() for t in done]

    async def fetch_grouped(self):
        results = {}
        async with asyncio.TaskGroup() as tg:
            for url in self.urls:
                results[url] = tg.create_task(self.fetch_one(url))  # site: create_task data -> basic.py:Fetcher.fetch_one
        return {u: t.result() for u, t in results.items()}

    async def first_ok(self):
        for fut in asyncio.as_completed([self.client.get(u) for u in self.urls], timeout=10):  # site: as_completed data
            resp = await fut
            if resp.status_code == 200:
                return resp

    async def compress_all(self, blobs):
        loop = asyncio.get_running_loop()
        futs = []
        for blob in blobs:
            futs.append(loop.run_in_executor(self._pool, zlib.compress, blob))  # site: run_in_executor data
        return [await f for f in futs]

    async def run_scheduled(self, batch):
        tasks = self.scheduler.build(batch)
        return await asyncio.gather(*tasks)  # site: gather unknown

    async def serve(self, queue):
        while True:
            url = await queue.get()
            task = asyncio.create_task(self.fetch_one(url))  # site: create_task unknown -> basic.py:Fetcher.fetch_one
            task.add_done_callback(self._background.discard)
            self._background.add(task)

    async def close(self):
        await gather(self.client.aclose(), self.scheduler.stop())  # site: gather fixed
