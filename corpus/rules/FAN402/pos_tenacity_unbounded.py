"""Vector store writer: tenacity retries with no stop or a very high attempt cap."""
import logging

import httpx
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

logger = logging.getLogger(__name__)


class VectorStore:
    def __init__(self, url: str) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=30.0)

    @retry(wait=wait_random_exponential(max=30))  # expect: FAN402
    async def upsert(self, collection: str, points: list[dict]) -> None:
        resp = await self.client.put(f"/collections/{collection}/points", json={"points": points})
        resp.raise_for_status()

    @retry(  # expect: FAN402
        wait=wait_random_exponential(multiplier=0.5, max=20),
        stop=stop_after_attempt(20),
        retry=retry_if_exception_type(httpx.TransportError),
        before_sleep=before_sleep_log(logger, logging.WARNING),
    )
    async def query(self, collection: str, vector: list[float], top: int = 8) -> list[dict]:
        resp = await self.client.post(
            f"/collections/{collection}/points/search",
            json={"vector": vector, "limit": top},
        )
        resp.raise_for_status()
        return resp.json()["result"]
