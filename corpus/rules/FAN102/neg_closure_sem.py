"""Issue exporter: semaphore local to the orchestrator, used by a nested worker."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


async def export_issues(client: httpx.AsyncClient, issue_ids: list[int], limit: int = 6) -> list[dict]:
    sem = asyncio.Semaphore(limit)

    async def export_one(issue_id: int) -> dict:
        async with sem:
            resp = await client.get(f"/issues/{issue_id}", params={"expand": "comments"})
        resp.raise_for_status()
        return resp.json()

    issues = await asyncio.gather(*[export_one(i) for i in issue_ids])
    log.info("exported %d issues", len(issues))
    return issues
