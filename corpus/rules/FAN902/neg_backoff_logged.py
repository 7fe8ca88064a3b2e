"""Backoff retries with on_backoff / on_giveup handlers that log."""
import logging

import aiohttp
import backoff

log = logging.getLogger(__name__)


def _log_backoff(details: dict) -> None:
    log.warning("retry %s in %.1fs after %d tries", details["target"].__name__, details["wait"], details["tries"])


def _log_giveup(details: dict) -> None:
    log.error("giving up on %s after %d tries", details["target"].__name__, details["tries"])


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_tries=5, on_backoff=_log_backoff)
async def fetch_feed(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as resp:
        resp.raise_for_status()
        return await resp.text()


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_time=60, on_giveup=_log_giveup)
async def push_entry(session: aiohttp.ClientSession, url: str, entry: dict) -> None:
    async with session.post(url, json=entry) as resp:
        resp.raise_for_status()
