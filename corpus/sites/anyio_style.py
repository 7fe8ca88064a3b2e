"""Structured concurrency with anyio task groups and trio nurseries."""
import anyio
import httpx
import trio

NUM_WORKERS = 3


async def fetch_one(client, url, results):
    resp = await client.get(url)
    results[url] = resp.status_code


async def report_progress(results, total):
    while len(results) < total:
        print(f"{len(results)}/{total} done")
        await anyio.sleep(1)


async def crawl(urls):
    results = {}
    async with httpx.AsyncClient() as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(report_progress, results, len(urls))
            for url in urls:
                tg.start_soon(fetch_one, client, url, results)  # site: start_soon data -> anyio_style.py:fetch_one
    return results


async def worker(worker_id, receive_channel):
    async with receive_channel:
        async for job in receive_channel:
            await trio.sleep(job.cost)
            print(f"worker {worker_id} finished {job.name}")


async def producer(send_channel, jobs):
    async with send_channel:
        for job in jobs:
            await send_channel.send(job)


async def run_workers(jobs):
    send_channel, receive_channel = trio.open_memory_channel(0)
    async with trio.open_nursery() as nursery:
        async with receive_channel:
            for i in range(NUM_WORKERS):
                nursery.start_soon(worker, i, receive_channel.clone())  # site: start_soon fixed -> anyio_style.py:worker
        nursery.start_soon(producer, send_channel, jobs)


class Prober:
    def __init__(self, hosts, port):
        self.hosts = hosts
        self.port = port
        self.alive = set()

    async def probe(self, host):
        with trio.move_on_after(2):
            stream = await trio.open_tcp_stream(host, self.port)
            await stream.aclose()
            self.alive.add(host)

    async def probe_all(self):
        async with trio.open_nursery() as nursery:
            for host in self.hosts:
                nursery.start_soon(self.probe, host)  # site: start_soon data -> anyio_style.py:Prober.probe
        return sorted(self.alive)


class EchoServer:
    def __init__(self, port):
        self.port = port

    async def handle(self, stream):
        async with stream:
            async for chunk in stream:
                await stream.send(chunk)

    async def serve(self):
        listener = await anyio.create_tcp_listener(local_port=self.port)
        async with listener, anyio.create_task_group() as tg:
            while True:
                stream = await listener.accept()
                tg.start_soon(self.handle, stream)  # site: start_soon unknown -> anyio_style.py:EchoServer.handle

    async def serve_once(self):
        listener = await anyio.create_tcp_listener(local_port=self.port)
        async with listener, anyio.create_task_group() as tg:
            stream = await listener.accept()
            tg.start_soon(self.handle, stream)
