"""Retry settings that come from the caller: what the splat holds is unknown,
so a setting not written here is not missing. Those written are judged."""
import httpx
from tenacity import retry, wait_fixed


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

    async def fetch_fixed(self, url: str) -> str:
        @retry(wait=wait_fixed(2), **self.retry_config)  # expect: FAN401
        async def attempt() -> str:
            resp = await self.client.get(url)
            return resp.text

        return await attempt()
