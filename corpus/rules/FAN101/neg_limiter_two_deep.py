"""GitHub metadata fetcher: the concurrency bound lives in the low-level request helper."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)

API = "https://api.github.com"


class RepoIndexer:
    def __init__(self, token: str, max_in_flight: int = 8):
        self.client = httpx.AsyncClient(base_url=API, headers={"Authorization": f"Bearer {token}"})
        self.sem = asyncio.Semaphore(max_in_flight)

    async def _request(self, path: str) -> dict:
        async with self.sem:
            resp = await self.client.get(path)
        resp.raise_for_status()
        return resp.json()

    async def _repo_json(self, full_name: str) -> dict:
        return await self._request(f"/repos/{full_name}")

    async def describe(self, full_name: str) -> dict:
        data = await self._repo_json(full_name)
        return {"name": full_name, "stars": data["stargazers_count"], "lang": data["language"]}

    async def index(self, repos: list[str]) -> list[dict]:
        rows = await asyncio.gather(*[self.describe(r) for r in repos])
        log.info("indexed %d repositories", len(rows))
        return rows
