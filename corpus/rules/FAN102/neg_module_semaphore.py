"""Image thumbnailer: a module-level semaphore shared by every download."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)

DOWNLOAD_SLOTS = asyncio.Semaphore(10)


async def download(session: aiohttp.ClientSession, url: str) -> bytes:
    async with DOWNLOAD_SLOTS:
        async with session.get(url) as resp:
            resp.raise_for_status()
            return await resp.read()


async def download_all(image_urls: list[str]) -> list[bytes]:
    async with aiohttp.ClientSession() as session:
        blobs = await asyncio.gather(*[download(session, u) for u in image_urls])
    log.info("downloaded %d images", len(blobs))
    return blobs
