"""Subdomain scanner: one probe per host found in certificate logs, all reports kept."""
import asyncio

import httpx


class Scanner:
    def __init__(self):
        self.http = httpx.AsyncClient(timeout=10.0)

    async def discover(self, domain: str) -> list[str]:
        resp = await self.http.get("https://ct.example.org/search", params={"q": domain})
        return sorted({entry["name"] for entry in resp.json()})

    async def probe(self, host: str) -> dict:
        resp = await self.http.head(f"https://{host}/")
        return {"host": host, "status": resp.status_code, "server": resp.headers.get("server")}

    async def scan(self, domain: str) -> list[dict]:
        hosts = await self.discover(domain)
        return await asyncio.gather(*[self.probe(h) for h in hosts])  # expect: FAN201
