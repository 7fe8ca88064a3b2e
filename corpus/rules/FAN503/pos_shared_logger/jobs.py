"""Async jobs that log through the file logger: the fix is in the logger, not here."""
import httpx

from .log import FileLogger


class Jobs:
    def __init__(self, client: httpx.AsyncClient, logger: FileLogger):
        self.client = client
        self.logger = logger

    async def fetch(self, url: str) -> str:
        self.logger.info(f"fetching {url}")
        resp = await self.client.get(url, timeout=10.0)
        if resp.status_code != 200:
            self.logger.error(f"{url}: {resp.status_code}")
        return resp.text

    async def store(self, key: str, body: str) -> None:
        self.logger.info(f"storing {key} ({len(body)} bytes)")

    async def close(self) -> None:
        await self.client.aclose()
        self.logger.info("closed")
