"""Only 503 is retried; the broad handler logs and raises at once."""
import asyncio
import logging
import random

import httpx

log = logging.getLogger(__name__)


async def fetch_index(client: httpx.AsyncClient, url: str) -> list[str]:
    for attempt in range(4):
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            return resp.text.splitlines()
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 503 or attempt == 3:
                raise
            log.warning("503 from %s, retrying", url)
            await asyncio.sleep(random.uniform(1, 2 ** attempt))
        except Exception as exc:
            log.error("index fetch failed: %s", exc)
            raise
    return []
