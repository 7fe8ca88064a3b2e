"""A sender's main loop: `while True` is the worker, not the retry. Its
retries stop at a limit, and the handler leaves the loop after the last."""
import asyncio
import random

import httpx


class Sender:
    def __init__(self, client: httpx.AsyncClient, max_retries: int = 5) -> None:
        self.client = client
        self.queue: asyncio.Queue[dict] = asyncio.Queue()
        self.max_retries = max_retries
        self.retries = 0

    async def run(self) -> None:
        while True:
            item = await self.queue.get()
            try:
                await self.client.post("https://events.example.com/v1", json=item)
            except httpx.TransportError:
                if self.retries < self.max_retries:
                    self.retries += 1
                    await asyncio.sleep(random.uniform(0.5, 1.5) * 2**self.retries)
                    await self.queue.put(item)
                    continue
                break
            self.retries = 0

    async def run_returning(self) -> bool:
        attempt = 0
        while True:
            try:
                await self.client.post("https://events.example.com/v1/ping")
                return True
            except httpx.TransportError:
                attempt += 1
                if attempt > 4:
                    return False
                await asyncio.sleep(random.uniform(1, 3))


async def wait_until_up(client: httpx.AsyncClient, url: str, deadline: float) -> None:
    loop = asyncio.get_running_loop()
    while True:
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            return
        except httpx.HTTPError:
            assert loop.time() < deadline, f"{url} not up in time"
            await asyncio.sleep(0.1 + random.random() / 10)
