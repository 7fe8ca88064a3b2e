"""A silent except around local parsing only; the HTTP call is outside the try."""
import asyncio
import json

import httpx

client = httpx.AsyncClient(base_url="https://events.example.com", timeout=10.0)


async def fetch_event(event_id: str) -> dict:
    resp = await client.get(f"/events/{event_id}")
    payload: dict = {"id": event_id}
    try:
        payload.update(json.loads(resp.text))
    except Exception:
        pass
    return payload


async def fetch_events(event_ids: list[str]) -> list[dict]:
    return await asyncio.gather(*(fetch_event(e) for e in event_ids), return_exceptions=False)
