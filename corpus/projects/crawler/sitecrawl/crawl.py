"""Crawler engine: URL frontier, fixed worker pool, external link check."""
import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from .fetcher import Fetcher, bounded_gather
from .parse import parse_html
from .robots import RobotsCache, sitemap_urls
from .storage import PageStore

log = logging.getLogger(__name__)

NUM_WORKERS = 16
SITEMAP_CONCURRENCY = 4
LINK_CHECK_CONCURRENCY = 64


@dataclass
class CrawlSettings:
    allowed_hosts: set[str]
    user_agent: str = "sitecrawl/1.3 (+https://example.com/bot)"
    max_pages: int = 5_000


def normalize(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


class Frontier:
    def __init__(self, allowed_hosts: set[str], max_pages: int) -> None:
        self.allowed_hosts = allowed_hosts
        self.max_pages = max_pages
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.seen: set[str] = set()
        self.external: set[str] = set()

    def add(self, url: str) -> bool:
        url = normalize(url)
        if urlsplit(url).hostname not in self.allowed_hosts:
            if url.startswith("http"):
                self.external.add(url)
            return False
        if url in self.seen or len(self.seen) >= self.max_pages:
            return False
        self.seen.add(url)
        self.queue.put_nowait(url)
        return True


class Crawler:
    def __init__(self, settings: CrawlSettings, store: PageStore) -> None:
        self.settings = settings
        self.store = store
        self.client = httpx.AsyncClient(  # expect: FAN702
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(20.0, connect=5.0),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            follow_redirects=True,
        )
        self.fetcher = Fetcher(self.client)
        self.robots = RobotsCache(self.client, settings.user_agent)
        self.frontier = Frontier(settings.allowed_hosts, settings.max_pages)
        self.link_sem = asyncio.Semaphore(LINK_CHECK_CONCURRENCY)
        self.stats: Counter[str] = Counter()

    async def __aenter__(self) -> "Crawler":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.aclose()

    async def discover(self, origins: list[str]) -> int:
        found = await bounded_gather((sitemap_urls(self.robots, o) for o in origins), SITEMAP_CONCURRENCY)  # expect: FAN201
        added = sum(self.frontier.add(u) for group in found for u in group)
        log.info("sitemaps: %d urls queued from %d origins", added, len(origins))
        return added

    async def _process(self, url: str) -> None:
        if not await self.robots.allowed(url):
            self.stats["robots_denied"] += 1
            return
        page = await self.fetcher.fetch(url)
        if page is None or page.status >= 400:
            self.stats["failed"] += 1
            return
        if not page.is_html:
            self.stats["skipped_type"] += 1
            return
        parsed = await asyncio.to_thread(parse_html, page.body, page.url)
        if not parsed.noindex:
            await self.store.save(page, parsed.title)
            self.stats["stored"] += 1
        for link in parsed.links:
            self.frontier.add(link)

    async def _worker(self, n: int) -> None:
        while True:
            url = await self.frontier.queue.get()
            try:
                await self._process(url)
            except Exception:
                log.exception("worker %d: unexpected error on %s", n, url)
                self.stats["errors"] += 1
            finally:
                self.frontier.queue.task_done()

    async def run(self, seeds: list[str]) -> Counter[str]:
        self.frontier.seen.update(await asyncio.to_thread(self.store.already_stored))
        for seed in seeds:
            self.frontier.add(seed)
        workers = [asyncio.create_task(self._worker(i)) for i in range(NUM_WORKERS)]
        await self.frontier.queue.join()
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        log.info("crawl finished: %s", dict(self.stats))
        return self.stats

    async def _status(self, url: str) -> tuple[str, int]:
        async with self.link_sem:
            try:
                resp = await self.client.head(url)
            except httpx.HTTPError:
                return url, 0
        return url, resp.status_code

    async def check_links(self, links: list[str]) -> dict[str, int]:
        results = await asyncio.gather(*[self._status(u) for u in links])  # expect: FAN201
        broken = {u: status for u, status in results if status == 0 or status >= 400}
        log.info("link check: %d/%d broken", len(broken), len(links))
        return broken
