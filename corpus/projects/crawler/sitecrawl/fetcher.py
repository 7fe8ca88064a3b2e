"""HTTP layer: retrying page fetches and a bounded gather helper."""
import asyncio
import logging
import random
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import httpx

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 4
BASE_DELAY = 0.5
RETRY_STATUSES = {429, 500, 502, 503, 504}
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class FetchedPage:
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith(HTML_TYPES)


async def bounded_gather(coros: Iterable[Awaitable[T]], limit: int) -> list[T]:
    """Await every coroutine, at most `limit` at a time; results in input order."""
    sem = asyncio.Semaphore(limit)

    async def run(coro: Awaitable[T]) -> T:
        async with sem:
            return await coro

    return await asyncio.gather(*(run(c) for c in coros))


class Fetcher:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def fetch(self, url: str) -> FetchedPage | None:
        for attempt in range(MAX_ATTEMPTS):
            try:
                resp = await self.client.get(url)
            except httpx.TransportError as exc:
                log.debug("transport error on %s (attempt %d): %s", url, attempt + 1, exc)
            else:
                if resp.status_code not in RETRY_STATUSES:
                    return FetchedPage(
                        url=str(resp.url),
                        status=resp.status_code,
                        content_type=resp.headers.get("content-type", ""),
                        body=resp.content,
                    )
                log.debug("%s answered %d (attempt %d)", url, resp.status_code, attempt + 1)
            await asyncio.sleep(BASE_DELAY * 2**attempt + random.uniform(0, BASE_DELAY))
        log.warning("giving up on %s after %d attempts", url, MAX_ATTEMPTS)
        return None
