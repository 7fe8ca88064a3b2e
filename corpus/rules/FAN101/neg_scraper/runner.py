"""Runner: fetch every article listed in a feed."""
import asyncio
import logging

from .fetching import fetch_article

log = logging.getLogger(__name__)


async def scrape_feed(article_urls: list[str]) -> list[str]:
    bodies = await asyncio.gather(*[fetch_article(u) for u in article_urls], return_exceptions=True)
    ok = [b for b in bodies if isinstance(b, str)]
    log.info("scraped %d/%d articles", len(ok), len(article_urls))
    return ok
