"""Price comparison: the whole comparison phase has a 60 s deadline."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


class PriceComparer:
    def __init__(self):
        self.session = aiohttp.ClientSession(headers={"Accept": "application/json"})

    async def quote(self, vendor_url: str, sku: str) -> float:
        async with self.session.get(vendor_url, params={"sku": sku}) as resp:
            data = await resp.json()
        return float(data["price"])

    async def best_price(self, vendor_urls: list[str], sku: str) -> float | None:
        try:
            async with asyncio.timeout(60):
                quotes = await asyncio.gather(*[self.quote(v, sku) for v in vendor_urls])
        except TimeoutError:
            log.warning("price comparison for %s timed out", sku)
            return None
        return min(quotes, default=None)
