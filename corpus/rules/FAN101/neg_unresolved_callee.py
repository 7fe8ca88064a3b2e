"""Event router: handlers are looked up by name, vendor SDK calls are opaque."""
import asyncio
import logging

from acme_vendor_sdk import push_notification

log = logging.getLogger(__name__)


class EventRouter:
    def __init__(self, client):
        self.client = client

    async def handle_signup(self, event: dict) -> None:
        await self.client.post("/crm/leads", json=event)

    async def handle_refund(self, event: dict) -> None:
        await self.client.post("/billing/refunds", json=event)

    async def dispatch(self, events: list[dict]) -> None:
        await asyncio.gather(*[getattr(self, f"handle_{e['type']}")(e) for e in events])
        log.info("dispatched %d events", len(events))

    async def notify(self, device_tokens: list[str], message: str) -> None:
        await asyncio.gather(*[push_notification(t, message) for t in device_tokens])
