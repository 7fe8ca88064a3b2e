"""Status prober with a default client, its probes held below the pool by a semaphore."""
import asyncio

import httpx


class BoundedProber:
    def __init__(self, http: httpx.AsyncClient | None = None):
        self.http = http or httpx.AsyncClient(timeout=10.0)
        self.slots = asyncio.Semaphore(40)

    async def probe(self, host: str) -> int:
        async with self.slots:
            resp = await self.http.get(f"https://{host}/healthz")
            return resp.status_code

    async def probe_all(self, hosts: list[str]) -> list[int]:
        return await asyncio.gather(*[self.probe(h) for h in hosts])
