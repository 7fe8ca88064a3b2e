"""tenacity's AsyncRetrying used as a loop: no stop= means forever."""
import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, wait_random_exponential


async def post_event(client: httpx.AsyncClient, event: dict) -> None:
    async for attempt in AsyncRetrying(  # expect: FAN402
        wait=wait_random_exponential(max=30),
        retry=retry_if_exception_type(httpx.TransportError),
    ):
        with attempt:
            resp = await client.post("/events", json=event)
            resp.raise_for_status()
