"""Upload every file of a dataset to object storage."""
import logging

import httpx

from .concurrency import gather_bounded

log = logging.getLogger(__name__)


class DatasetUploader:
    def __init__(self, endpoint: str):
        self.client = httpx.AsyncClient(base_url=endpoint, timeout=60.0)

    async def put(self, path: str) -> int:
        with open(path, "rb") as fh:
            payload = fh.read()
        resp = await self.client.put(f"/objects/{path}", content=payload)
        return resp.status_code

    async def upload(self, files: list[str]) -> list[int]:
        statuses = await gather_bounded([self.put(f) for f in files], limit=16)  # expect: FAN201
        log.info("uploaded %d files", len(statuses))
        return statuses
