"""Tenacity retries that report each attempt through logging hooks."""
import logging

import httpx
from tenacity import (
    after_log,
    before_log,
    before_sleep_log,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

logger = logging.getLogger(__name__)

client = httpx.AsyncClient(base_url="https://payments.example.com/v2", timeout=15.0)


@retry(
    retry=retry_if_exception_type(httpx.TransportError),
    wait=wait_random_exponential(max=20),
    stop=stop_after_attempt(5),
    before_sleep=before_sleep_log(logger, logging.WARNING),
)
async def refund(payment_id: str, amount: int) -> dict:
    resp = await client.post(f"/payments/{payment_id}/refunds", json={"amount": amount})
    resp.raise_for_status()
    return resp.json()


@retry(
    retry=retry_if_exception_type(httpx.TransportError),
    wait=wait_random_exponential(max=10),
    stop=stop_after_attempt(3),
    after=after_log(logger, logging.INFO),
)
async def payment(payment_id: str) -> dict:
    resp = await client.get(f"/payments/{payment_id}")
    resp.raise_for_status()
    return resp.json()


@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=5), before=before_log(logger, logging.DEBUG))
async def balance() -> int:
    resp = await client.get("/balance")
    resp.raise_for_status()
    return resp.json()["available"]
