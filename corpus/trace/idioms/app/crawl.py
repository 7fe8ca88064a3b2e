import asyncio
import logging

import httpx
import logfire
import structlog
from loguru import logger as loguru_logger
from tqdm.asyncio import tqdm_asyncio

log = logging.getLogger(__name__)
slog = structlog.get_logger()


def show_status(message: str, agent: str = "MAIN") -> None:
    print(f"[{agent}] {message}")


class Mapper:
    def __init__(self):
        self.http = httpx.AsyncClient()

    def _log(self, level: str, message: str, params: dict | None = None) -> None:
        text = message.format(**(params or {}))
        getattr(log, level)(text)

    async def probe(self, host: str) -> bool:
        r = await self.http.get(f"https://{host}/")
        loguru_logger.info("probed {host} -> {status}", host=host, status=r.status_code)
        slog.info("probe done", host=host)
        return r.status_code == 200

    async def scan(self, hosts: list[str]) -> list[bool]:
        self._log("info", "Discovered {count} live hosts", params={"count": len(hosts)})
        show_status(f"Running {len(hosts)} tasks", agent="WRITER")
        with logfire.span("scan {n} hosts", n=len(hosts)):
            results = await tqdm_asyncio.gather(*[self.probe(h) for h in hosts])
        logfire.info("scanned {count=} hosts", count=len(results))
        print(f"done: {sum(results)} up")
        return results


class Embedder:
    """A client built without a timeout, its requests logged by httpx."""

    def __init__(self):
        self.http = httpx.AsyncClient(base_url="http://127.0.0.1:8080", timeout=None)

    async def embed(self, texts: list[str]) -> list[float]:
        r = await self.http.post("/v1/embed", json=texts)
        return r.json()

    async def embed_all(self, batches: list[list[str]]) -> list[list[float]]:
        log.info("embedding %d batches", len(batches))
        return await asyncio.gather(*[self.embed(b) for b in batches])
