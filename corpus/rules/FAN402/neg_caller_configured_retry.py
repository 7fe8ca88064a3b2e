"""FAN402: retry settings from the caller (a splat) are unknown, not missing."""
import httpx
from tenacity import retry


class Fetcher:
    def __init__(self, client: httpx.AsyncClient, retry_config: dict):
        self.client = client
        self.retry_config = retry_config

    async def fetch(self, url: str) -> str:
        @retry(**self.retry_config)
        async def attempt() -> str:
            resp = await self.client.get(url)
            resp.raise_for_status()
            return resp.text

        return await attempt()
