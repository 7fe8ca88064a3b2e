"""Status prober: uses the caller's client, or builds one with the default limits."""
import asyncio

import httpx


class StatusProber:
    def __init__(self, http: httpx.AsyncClient | None = None):
        self.http = http or httpx.AsyncClient(timeout=10.0)  # expect: FAN702

    async def probe(self, host: str) -> int:
        resp = await self.http.get(f"https://{host}/healthz")
        return resp.status_code

    async def probe_all(self, hosts: list[str]) -> list[int]:
        return await asyncio.gather(*[self.probe(h) for h in hosts])

    async def probe_again(self, hosts: list[str]) -> list[int]:
        return await asyncio.gather(*[self.probe(h) for h in hosts])
