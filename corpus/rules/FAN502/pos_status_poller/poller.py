"""Async deployment poller that calls the sync wait helpers."""
import logging

import httpx

from .waits import backoff_pause, pause

log = logging.getLogger(__name__)

DEPLOY_API = "https://deploy.example.com/api/deployments"


async def wait_until_live(client: httpx.AsyncClient, deploy_id: str, attempts: int = 8) -> bool:
    for attempt in range(attempts):
        resp = await client.get(f"{DEPLOY_API}/{deploy_id}")
        state = resp.json()["state"]
        if state == "live":
            return True
        log.info("deployment %s is %s", deploy_id, state)
        backoff_pause(attempt)  # expect: FAN502
    return False


async def rollout(client: httpx.AsyncClient, deploy_ids: list[str]) -> None:
    for deploy_id in deploy_ids:
        await client.post(f"{DEPLOY_API}/{deploy_id}/promote")
        pause(2.0)  # expect: FAN502
