"""A provider base class retries `_send`, which only its subclasses implement.
Everything but an auth error is retried: bad requests and bugs included."""
import abc
import asyncio
import logging
import random

import httpx

log = logging.getLogger(__name__)


class AuthError(Exception):
    pass


class Provider(abc.ABC):
    max_retries = 4

    @abc.abstractmethod
    async def _send(self, payload: dict) -> dict: ...

    async def send(self, payload: dict) -> dict:
        delay = 1.0
        for attempt in range(self.max_retries):
            try:
                return await self._send(payload)
            except AuthError:
                raise
            except Exception as exc:  # expect: FAN404
                log.warning("attempt %d failed: %s", attempt + 1, exc)
                await asyncio.sleep(random.uniform(0, delay))
                delay *= 2
        raise RuntimeError("provider unavailable")


class HttpProvider(Provider):
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.AsyncClient(timeout=30.0)

    async def _send(self, payload: dict) -> dict:
        resp = await self.http.post(self.url, json=payload)
        resp.raise_for_status()
        return resp.json()
