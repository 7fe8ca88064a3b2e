"""A retry decorator bound to a module-level name, with no jitter."""
import httpx
from tenacity import retry, stop_after_attempt, wait_exponential

api_retry = retry(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=1, max=20))


@api_retry  # expect: FAN401
async def push(client: httpx.AsyncClient, payload: dict) -> None:
    resp = await client.post("/push", json=payload)
    resp.raise_for_status()
