"""Entry point: python main.py https://docs.example.com --out pages/ --check-links"""
import argparse
import asyncio
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests

from sitecrawl import Crawler, CrawlSettings
from sitecrawl.robots import origin_of
from sitecrawl.storage import PageStore

log = logging.getLogger("sitecrawl")

SHORTENER_HOSTS = {"bit.ly", "t.co", "lnkd.in", "tinyurl.com"}


def expand_short_url(url: str) -> str:
    if urlsplit(url).hostname not in SHORTENER_HOSTS:
        return url
    resp = requests.head(url, allow_redirects=True, timeout=10)
    return resp.url


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl a site politely.")
    parser.add_argument("seeds", nargs="+")
    parser.add_argument("--out", default="pages")
    parser.add_argument("--max-pages", type=int, default=5_000)
    parser.add_argument("--check-links", action="store_true")
    args = parser.parse_args(argv)

    seeds = [expand_short_url(s) for s in args.seeds]  # startup code (an entry point): shown with --include startup
    hosts = {urlsplit(s).hostname or "" for s in seeds}
    settings = CrawlSettings(allowed_hosts=hosts, max_pages=args.max_pages)
    async with Crawler(settings, PageStore(Path(args.out))) as crawler:
        await crawler.discover(sorted({origin_of(s) for s in seeds}))
        stats = await crawler.run(seeds)
        if args.check_links:
            broken = await crawler.check_links(sorted(crawler.frontier.external))
            for url, status in sorted(broken.items()):
                print(f"{status:3d} {url}")
    log.info("stored %d pages (%d failed)", stats["stored"], stats["failed"])
    return 0 if stats["stored"] else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main()))
