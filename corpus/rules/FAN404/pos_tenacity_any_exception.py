"""CRM sync: tenacity retries that fire on any exception, bugs included."""
import logging

import httpx
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random,
    wait_random_exponential,
)

logger = logging.getLogger(__name__)


class CrmClient:
    def __init__(self, token: str) -> None:
        self.client = httpx.AsyncClient(
            base_url="https://crm.example.com/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=15.0,
        )

    @retry(stop=stop_after_attempt(3), wait=wait_random(1, 2))  # expect: FAN404
    async def contact(self, contact_id: str) -> dict:
        resp = await self.client.get(f"/contacts/{contact_id}")
        resp.raise_for_status()
        return resp.json()

    @retry(  # expect: FAN404
        retry=retry_if_exception_type(Exception),
        stop=stop_after_attempt(4),
        wait=wait_random_exponential(max=20),
        before_sleep=before_sleep_log(logger, logging.WARNING),
    )
    async def update_contact(self, contact_id: str, fields: dict) -> dict:
        resp = await self.client.patch(f"/contacts/{contact_id}", json=fields)
        resp.raise_for_status()
        return resp.json()
