"""A paced walk over items: each pass posts another item, failures are logged, nothing is retried."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


async def replay(client: httpx.AsyncClient, events: list[dict]) -> None:
    for event in events:
        try:
            await client.post("https://hooks.example.com/replay", json=event)
        except Exception as exc:
            log.warning("event %s not replayed: %s", event.get("id"), exc)
        await asyncio.sleep(0.5)
