"""Market data poller: connector capped at 30 while 100 tasks may run."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)

QUOTES_URL = "https://quotes.example.com/v1/quote"

_sem = asyncio.Semaphore(100)
_session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=30))  # expect: FAN702


async def quote(symbol: str) -> dict:
    async with _sem:
        async with _session.get(QUOTES_URL, params={"symbol": symbol}) as resp:
            return await resp.json()


async def poll(symbols: list[str]) -> dict[str, dict]:
    quotes = await asyncio.gather(*[quote(s) for s in symbols])
    log.info("polled %d symbols", len(quotes))
    return dict(zip(symbols, quotes))
