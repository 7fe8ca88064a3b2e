"""Reranker client: tenacity retries with deterministic waits only."""
import logging

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential, wait_fixed

logger = logging.getLogger(__name__)

RERANK_URL = "https://rerank.internal.example.com/v1"


class RerankClient:
    def __init__(self, api_key: str) -> None:
        self.client = httpx.AsyncClient(
            base_url=RERANK_URL,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=20.0,
        )

    @retry(wait=wait_exponential(multiplier=1, max=30), stop=stop_after_attempt(5))  # expect: FAN401
    async def rerank(self, query: str, passages: list[str]) -> list[float]:
        resp = await self.client.post("/rerank", json={"query": query, "passages": passages})
        resp.raise_for_status()
        return resp.json()["scores"]

    @retry(  # expect: FAN401
        wait=wait_fixed(2),
        stop=stop_after_attempt(3),
        retry=retry_if_exception_type(httpx.TransportError),
    )
    async def healthy(self) -> bool:
        resp = await self.client.get("/health")
        return resp.status_code == 200

    async def top_k(self, query: str, passages: list[str], k: int = 5) -> list[str]:
        scores = await self.rerank(query, passages)
        ranked = sorted(zip(scores, passages), reverse=True)
        logger.debug("reranked %d passages", len(passages))
        return [p for _, p in ranked[:k]]
