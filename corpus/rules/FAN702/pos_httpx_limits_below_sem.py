"""Thumbnail fetcher: 64 permits in flight against a pool of 20 connections."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class ThumbnailFetcher:
    def __init__(self):
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=20), timeout=30.0)  # expect: FAN702
        self.sem = asyncio.Semaphore(64)

    async def thumbnail(self, image_id: str) -> bytes:
        async with self.sem:
            resp = await self.client.get(f"https://img.example.com/{image_id}/thumb.jpg")
        resp.raise_for_status()
        return resp.content

    async def thumbnails(self, image_ids: list[str]) -> list[bytes]:
        images = await asyncio.gather(*[self.thumbnail(i) for i in image_ids])
        log.info("fetched %d thumbnails", len(images))
        return images
