"""Background workers: `while True` loops that are not retry loops."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


async def consume(queue: asyncio.Queue, client: httpx.AsyncClient) -> None:
    while True:
        event = await queue.get()
        try:
            resp = await client.post("https://events.example.com/ingest", json=event)
            resp.raise_for_status()
        except httpx.HTTPError:
            log.exception("dropping event %s", event.get("id"))
        finally:
            queue.task_done()


async def refresh_token_forever(client: httpx.AsyncClient, state: dict) -> None:
    while True:
        resp = await client.post("https://auth.example.com/oauth/token", data={"grant_type": "client_credentials"})
        state["token"] = resp.json()["access_token"]
        await asyncio.sleep(resp.json().get("expires_in", 3600) * 0.8)
