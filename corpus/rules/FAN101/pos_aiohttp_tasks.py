"""Price scraper: one task per product page, gathered at the end."""
import asyncio
import logging
import re

import aiohttp

log = logging.getLogger(__name__)

PRICE_RE = re.compile(r'itemprop="price" content="([0-9.]+)"')


async def fetch_price(session: aiohttp.ClientSession, url: str) -> float | None:
    async with session.get(url, headers={"Accept": "text/html"}) as resp:
        if resp.status != 200:
            log.warning("status %d for %s", resp.status, url)
            return None
        html = await resp.text()
    match = PRICE_RE.search(html)
    return float(match.group(1)) if match else None


async def scrape_prices(product_urls: list[str]) -> dict[str, float | None]:
    async with aiohttp.ClientSession() as session:
        tasks = []
        for url in product_urls:
            tasks.append(asyncio.create_task(fetch_price(session, url)))  # expect: FAN101
        prices = await asyncio.gather(*tasks, return_exceptions=False)
    return dict(zip(product_urls, prices))
