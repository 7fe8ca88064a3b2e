"""Backends: one calls a hosted model over HTTP, one answers locally."""
import httpx

from .base import Summarizer


class HostedSummarizer(Summarizer):
    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=20.0)

    async def summarize_one(self, text: str) -> str:
        resp = await self.http.post("/summarize", json={"text": text})
        return resp.json()["summary"]


class TruncatingSummarizer(Summarizer):
    async def summarize_one(self, text: str) -> str:
        return text[:200]
