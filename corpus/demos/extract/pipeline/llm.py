"""Thin client for the completion endpoint, retried with tenacity on HTTP errors."""

from __future__ import annotations

import logging

import httpx
from tenacity import before_sleep_log, retry, retry_if_exception_type, stop_after_attempt, wait_fixed

log = logging.getLogger(__name__)


class LLMClient:
    def __init__(self, base_url: str, *, model: str = "extract-1") -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30.0)
        self.model = model

    @retry(wait=wait_fixed(1), stop=stop_after_attempt(5),
           retry=retry_if_exception_type(httpx.HTTPStatusError),
           before_sleep=before_sleep_log(log, logging.WARNING))
    async def complete(self, prompt: str, *, max_tokens: int = 256) -> str:
        resp = await self.http.post("/v1/complete", json={
            "model": self.model, "prompt": prompt, "max_tokens": max_tokens})
        resp.raise_for_status()
        return resp.json()["text"]

    async def aclose(self) -> None:
        await self.http.aclose()
