"""Ingestion uploader: hand-written retry loops with a deterministic sleep."""
import asyncio

import httpx

INGEST_URL = "https://ingest.example.com/v2/records"


async def post_records(client: httpx.AsyncClient, records: list[dict]) -> httpx.Response:
    for attempt in range(5):
        try:
            resp = await client.post(INGEST_URL, json={"records": records})
            return resp.raise_for_status()
        except httpx.HTTPStatusError:
            await asyncio.sleep(2 ** attempt)  # expect: FAN401
    raise RuntimeError("ingest failed after 5 attempts")


async def fetch_cursor(client: httpx.AsyncClient, cursor: str) -> dict:
    for attempt in range(4):
        resp = await client.get(INGEST_URL, params={"cursor": cursor})
        if resp.status_code in (429, 502, 503):
            await asyncio.sleep(1.5 * (attempt + 1))  # expect: FAN401
            continue
        resp.raise_for_status()
        return resp.json()
    raise RuntimeError(f"cursor {cursor} still throttled")


async def delete_batch(client: httpx.AsyncClient, batch_id: str) -> None:
    attempt = 0
    delay = 1.0
    while attempt < 6:
        try:
            resp = await client.delete(f"{INGEST_URL}/{batch_id}")
            resp.raise_for_status()
            return
        except httpx.TransportError:
            attempt += 1
            await asyncio.sleep(delay)  # expect: FAN401
            delay *= 2
    raise RuntimeError(f"could not delete batch {batch_id}")
