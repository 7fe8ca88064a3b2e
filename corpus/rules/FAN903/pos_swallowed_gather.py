"""Price refresher: the whole fan-out is wrapped in a silent except."""
import asyncio

import httpx


class PriceRefresher:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url="https://prices.example.com/v1", timeout=10.0)
        self.sem = asyncio.Semaphore(20)

    async def price(self, sku: str) -> float:
        async with self.sem:
            resp = await self.client.get(f"/skus/{sku}/price")
        resp.raise_for_status()
        return resp.json()["amount"]

    async def refresh(self, skus: list[str]) -> dict[str, float]:
        prices: list[float] = []
        try:
            prices = await asyncio.gather(*(self.price(s) for s in skus))
        except Exception:  # expect: FAN903
            pass
        return dict(zip(skus, prices))
