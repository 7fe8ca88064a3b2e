"""A step the team wrote: one HTTP call per item, registered with the bare decorator."""
import httpx

from .steps import step

client = httpx.AsyncClient(timeout=30)


@step
async def enrich(item: dict) -> dict:
    resp = await client.get(item["url"])
    return {**item, "body": resp.text}
