"""Package metadata resolver: unbounded fan-out over a 10-connection httpx pool."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)

client = httpx.AsyncClient(base_url="https://pypi.org", limits=httpx.Limits(max_connections=10))  # expect: FAN702


async def latest_version(package: str) -> str:
    resp = await client.get(f"/pypi/{package}/json")
    resp.raise_for_status()
    return resp.json()["info"]["version"]


async def resolve(packages: list[str]) -> dict[str, str]:
    versions = await asyncio.gather(*[latest_version(p) for p in packages])
    log.info("resolved %d packages", len(versions))
    return dict(zip(packages, versions))
