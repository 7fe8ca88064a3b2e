"""Webhook delivery: retries that fire back to back, or on a fixed schedule."""
import tenacity
from tenacity import retry, stop_after_attempt, wait_chain, wait_fixed

import httpx

http = httpx.AsyncClient(timeout=10.0)


@retry(stop=stop_after_attempt(3))  # expect: FAN401
async def deliver_webhook(endpoint: str, event: dict) -> int:
    resp = await http.post(endpoint, json=event)
    resp.raise_for_status()
    return resp.status_code


@tenacity.retry(  # expect: FAN401
    wait=tenacity.wait_incrementing(start=1, increment=2, max=10),
    stop=tenacity.stop_after_attempt(4),
)
async def fetch_subscription(sub_id: str) -> dict:
    resp = await http.get(f"https://hooks.example.com/subscriptions/{sub_id}")
    resp.raise_for_status()
    return resp.json()


@retry(wait=wait_chain(wait_fixed(1), wait_fixed(1), wait_fixed(5)), stop=stop_after_attempt(4))  # expect: FAN401
async def ack_delivery(delivery_id: str) -> None:
    resp = await http.post(f"https://hooks.example.com/deliveries/{delivery_id}/ack")
    resp.raise_for_status()


async def fan_event(endpoints: list[str], event: dict) -> list[int]:
    codes = []
    for endpoint in endpoints:
        codes.append(await deliver_webhook(endpoint, event))
    return codes
