"""Favicon collector using aiohttp's one-shot request helper for each domain."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


async def favicon(domain: str) -> bytes | None:
    async with aiohttp.request("GET", f"https://{domain}/favicon.ico") as resp:  # expect: FAN701
        if resp.status != 200:
            return None
        return await resp.read()


async def collect_favicons(domains: list[str]) -> dict[str, bytes]:
    icons = {}
    tasks = {}
    async with asyncio.TaskGroup() as tg:
        for domain in domains:
            tasks[domain] = tg.create_task(favicon(domain))
    for domain, task in tasks.items():
        if task.result():
            icons[domain] = task.result()
    log.info("collected %d favicons", len(icons))
    return icons
