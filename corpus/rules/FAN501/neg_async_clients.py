"""Async HTTP done right: httpx.AsyncClient and aiohttp methods are awaited."""
import aiohttp
import httpx

API = "https://api.example.com/v1"


class Catalog:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url=API, timeout=10.0)

    async def product(self, sku: str) -> dict:
        resp = await self.client.get(f"/products/{sku}")
        resp.raise_for_status()
        return resp.json()

    async def save(self, sku: str, fields: dict) -> None:
        resp = await self.client.post(f"/products/{sku}", json=fields)
        resp.raise_for_status()


async def prices(skus: list[str]) -> dict:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
        async with session.get(f"{API}/prices", params={"sku": ",".join(skus)}) as resp:
            return await resp.json()


async def stock(sku: str) -> int:
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.get(f"{API}/stock/{sku}")
        return resp.json()["available"]
