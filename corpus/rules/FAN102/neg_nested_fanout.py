"""Multi-site crawler: each site task bounds its own page fan-out."""
import asyncio
import logging
from dataclasses import dataclass, field

import httpx

log = logging.getLogger(__name__)


@dataclass
class Site:
    host: str
    pages: list[str] = field(default_factory=list)


async def fetch_page(client: httpx.AsyncClient, sem: asyncio.Semaphore, url: str) -> str:
    async with sem:
        return (await client.get(url)).text


async def crawl_site(client: httpx.AsyncClient, site: Site) -> dict[str, str]:
    sem = asyncio.Semaphore(4)
    bodies = await asyncio.gather(*[fetch_page(client, sem, p) for p in site.pages])
    return dict(zip(site.pages, bodies))


async def crawl_all(sites: list[Site]) -> list[dict[str, str]]:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        results = await asyncio.gather(*[crawl_site(client, s) for s in sites])
    log.info("crawled %d sites", len(results))
    return results
