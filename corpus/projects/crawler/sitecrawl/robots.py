"""robots.txt rules and sitemap discovery."""
import asyncio
import logging
import random
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

log = logging.getLogger(__name__)

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ROBOTS_RETRY_DELAY = 10.0


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RobotsCache:
    def __init__(self, client: httpx.AsyncClient, user_agent: str) -> None:
        self.client = client
        self.user_agent = user_agent
        self._parsers: dict[str, RobotFileParser] = {}
        self._lock = asyncio.Lock()

    async def _download(self, origin: str) -> str:
        while True:  # expect: FAN402
            try:
                resp = await self.client.get(f"{origin}/robots.txt")
            except httpx.TransportError as exc:
                log.warning("robots.txt for %s unreachable (%s), retrying", origin, exc)
                await asyncio.sleep(ROBOTS_RETRY_DELAY * random.uniform(0.5, 1.5))
                continue
            if resp.status_code in (429, 503):
                await asyncio.sleep(ROBOTS_RETRY_DELAY * random.uniform(0.5, 1.5))
                continue
            # 4xx means "no rules": everything is allowed.
            return resp.text if resp.status_code == 200 else ""

    async def parser_for(self, origin: str) -> RobotFileParser:
        async with self._lock:
            parser = self._parsers.get(origin)
            if parser is None:
                parser = RobotFileParser()
                parser.parse((await self._download(origin)).splitlines())
                self._parsers[origin] = parser
        return parser

    async def allowed(self, url: str) -> bool:
        parser = await self.parser_for(origin_of(url))
        return parser.can_fetch(self.user_agent, url)

    async def sitemaps(self, origin: str) -> list[str]:
        parser = await self.parser_for(origin)
        return list(parser.site_maps() or [f"{origin}/sitemap.xml"])


async def _fetch_locs(client: httpx.AsyncClient, url: str, limiter: asyncio.Semaphore) -> list[str]:
    for attempt in range(3):
        try:
            async with limiter:
                resp = await client.get(url)
            resp.raise_for_status()
            break
        except Exception:  # expect: FAN404
            if attempt == 2:
                log.warning("sitemap %s unavailable, skipping", url)
                return []
            await asyncio.sleep(2.0 * (attempt + 1))  # expect: FAN401
    root = ET.fromstring(resp.content)
    return [el.text.strip() for el in root.iter(f"{SITEMAP_NS}loc") if el.text]


async def sitemap_urls(robots: RobotsCache, origin: str) -> list[str]:
    limiter = asyncio.Semaphore(4)
    locs: list[str] = []
    for sitemap in await robots.sitemaps(origin):
        locs.extend(await _fetch_locs(robots.client, sitemap, limiter))
    children = [loc for loc in locs if loc.endswith(".xml")]
    nested = await asyncio.gather(*[_fetch_locs(robots.client, c, limiter) for c in children])  # expect: FAN201
    found = [loc for loc in locs if not loc.endswith(".xml")]
    found.extend(u for group in nested for u in group)
    log.info("%s: %d sitemap entries", origin, len(found))
    return found
