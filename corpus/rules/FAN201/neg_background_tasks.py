"""Cache warmer: fire-and-forget tasks, never gathered, results not buffered."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class CacheWarmer:
    def __init__(self):
        self.client = httpx.AsyncClient(base_url="https://cdn.example.com")
        self._background: set[asyncio.Task] = set()

    async def warm(self, path: str) -> None:
        resp = await self.client.get(path, headers={"X-Warm": "1"})
        log.debug("warmed %s -> %d", path, resp.status_code)

    def warm_all(self, paths: list[str]) -> None:
        for path in paths:
            task = asyncio.create_task(self.warm(path))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
