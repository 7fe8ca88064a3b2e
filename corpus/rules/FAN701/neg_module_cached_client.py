"""Geo-IP lookups through a lazily created module-global session."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)

_session: aiohttp.ClientSession | None = None


def get_session() -> aiohttp.ClientSession:
    global _session
    if _session is None:
        _session = aiohttp.ClientSession(base_url="https://geoip.example.com")
    return _session


async def locate(ip: str) -> dict:
    async with get_session().get(f"/json/{ip}") as resp:
        return await resp.json()


async def locate_all(ips: list[str]) -> list[dict]:
    locations = await asyncio.gather(*[locate(ip) for ip in ips])
    log.info("located %d addresses", len(locations))
    return locations
