"""Minimal async client for the completion/search API (raw HTTP/1.1 over asyncio streams)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter
from typing import Any

logger = logging.getLogger(__name__)


class APIError(RuntimeError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status


class RateLimitedError(APIError):
    pass


class LLMClient:
    def __init__(self, host: str, port: int, *, model: str = "fake-1", max_attempts: int = 5) -> None:
        self.host = host
        self.port = port
        self.model = model
        self.max_attempts = max_attempts
        self.stats: Counter[str] = Counter()

    async def complete(self, prompt: str, *, max_tokens: int = 256, temperature: float = 0.2) -> str:
        payload = {"model": self.model, "prompt": prompt,
                   "max_tokens": max_tokens, "temperature": temperature}
        data = await self._post("/v1/complete", payload)
        self.stats["completions"] += 1
        return str(data["text"])

    async def search(self, query: str, *, k: int = 4) -> list[dict[str, str]]:
        data = await self._post("/v1/search", {"query": query, "k": k})
        self.stats["searches"] += 1
        return list(data)

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        body = json.dumps(payload).encode("utf-8")
        for attempt in range(self.max_attempts):
            status, headers, raw = await self._request(path, body)
            if status == 429:
                self.stats["rate_limited"] += 1
                if attempt + 1 == self.max_attempts:
                    break
                delay = 0.2 * 2 ** attempt
                logger.warning("rate limited (429), retrying in %.1fs (attempt %d)", delay, attempt + 1)
                await asyncio.sleep(delay)
                continue
            if status >= 400:
                raise APIError(status, raw.decode("utf-8", "replace"))
            return json.loads(raw)
        raise RateLimitedError(429, f"{path}: gave up after {self.max_attempts} attempts")

    async def _request(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            head = (
                f"POST {path} HTTP/1.1\r\n"
                f"Host: {self.host}:{self.port}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n"
            )
            writer.write(head.encode("ascii") + body)
            await writer.drain()

            status_line = (await reader.readline()).decode("latin-1")
            status = int(status_line.split(" ", 2)[1])
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            raw = await reader.readexactly(int(headers.get("content-length", "0")))
            logger.debug("POST %s -> %d (%d bytes)", path, status, len(raw))
            return status, headers, raw
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
