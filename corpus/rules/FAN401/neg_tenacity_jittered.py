"""Embedding client: every tenacity wait below includes a random part."""
import logging

import httpx
from tenacity import (
    before_sleep_log,
    retry,
    stop_after_attempt,
    wait_exponential,
    wait_exponential_jitter,
    wait_random,
    wait_random_exponential,
)

logger = logging.getLogger(__name__)

client = httpx.AsyncClient(base_url="https://embed.example.com", timeout=30.0)


@retry(
    wait=wait_exponential(multiplier=1, max=30) + wait_random(0, 1),
    stop=stop_after_attempt(5),
    before_sleep=before_sleep_log(logger, logging.WARNING),
)
async def embed(texts: list[str]) -> list[list[float]]:
    resp = await client.post("/v1/embed", json={"input": texts})
    resp.raise_for_status()
    return resp.json()["data"]


@retry(wait=wait_random_exponential(max=60), stop=stop_after_attempt(6))
async def model_info(name: str) -> dict:
    resp = await client.get(f"/v1/models/{name}")
    resp.raise_for_status()
    return resp.json()


@retry(wait=wait_exponential_jitter(), stop=stop_after_attempt(4))
async def usage(day: str) -> dict:
    resp = await client.get("/v1/usage", params={"day": day})
    resp.raise_for_status()
    return resp.json()
