"""Web search (Brave Search API) and page reading with a small disk cache."""
import asyncio
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
from bs4 import BeautifulSoup

log = logging.getLogger(__name__)

SEARCH_API = "https://api.search.brave.com/res/v1"
USER_AGENT = "research-agent/0.4 (+https://example.com/bot)"
CACHE_DIR = Path(os.environ.get("RESEARCH_CACHE", ".cache/pages"))


@dataclass(frozen=True)
class Hit:
    query: str
    url: str
    title: str


@dataclass
class Page:
    url: str
    title: str
    paragraphs: list[str]


class Searcher:
    def __init__(self, api_key: str, max_in_flight: int = 5) -> None:
        self.http = httpx.AsyncClient(
            base_url=SEARCH_API,
            headers={"X-Subscription-Token": api_key, "Accept": "application/json"},
            timeout=httpx.Timeout(10.0, connect=3.0),
        )
        self.sem = asyncio.Semaphore(max_in_flight)

    async def _get_json(self, path: str, params: dict) -> dict:
        async with self.sem:
            resp = await self.http.get(path, params=params)
        resp.raise_for_status()
        return resp.json()

    async def _web_results(self, query: str, count: int) -> list[dict]:
        data = await self._get_json("/web/search", {"q": query, "count": count})
        return data.get("web", {}).get("results", [])

    async def search(self, query: str, count: int = 5) -> list[Hit]:
        results = await self._web_results(query, count)
        return [Hit(query=query, url=r["url"], title=r.get("title", "")) for r in results]

    async def search_all(self, queries: list[str]) -> list[Hit]:
        per_query = await asyncio.gather(*[self.search(q) for q in queries])
        seen: set[str] = set()
        hits: list[Hit] = []
        for hit in (h for group in per_query for h in group):
            if hit.url not in seen:
                seen.add(hit.url)
                hits.append(hit)
        log.info("search: %d queries -> %d unique hits", len(queries), len(hits))
        return hits

    async def aclose(self) -> None:
        await self.http.aclose()


def _cache_file(url: str) -> Path:
    return CACHE_DIR / f"{hashlib.sha1(url.encode()).hexdigest()}.html"


def load_cached(url: str) -> str | None:
    path = _cache_file(url)
    if path.exists():
        return path.read_text(encoding="utf-8")
    return None


def store_cached(url: str, html: str) -> None:
    path = _cache_file(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def extract_paragraphs(html: str, min_words: int = 8) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header"]):
        tag.decompose()
    texts = (node.get_text(" ", strip=True) for node in soup.find_all(["p", "li"]))
    return [t for t in texts if len(t.split()) >= min_words]


async def read_page(hit: Hit) -> Page:
    html = load_cached(hit.url)  # expect: FAN503
    if html is None:
        async with aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}) as session:  # expect: FAN701
            async with session.get(hit.url) as resp:
                resp.raise_for_status()
                html = await resp.text()
        await asyncio.to_thread(store_cached, hit.url, html)
    paragraphs = await asyncio.to_thread(extract_paragraphs, html)
    return Page(url=hit.url, title=hit.title, paragraphs=paragraphs)


async def read_pages(hits: list[Hit]) -> list[Page]:
    results = await asyncio.gather(*[read_page(h) for h in hits], return_exceptions=True)  # expect: FAN101, FAN201
    pages: list[Page] = []
    for hit, result in zip(hits, results):
        if isinstance(result, BaseException):
            log.warning("read failed for %s: %r", hit.url, result)
        elif result.paragraphs:
            pages.append(result)
    log.info("read %d/%d pages", len(pages), len(hits))
    return pages
