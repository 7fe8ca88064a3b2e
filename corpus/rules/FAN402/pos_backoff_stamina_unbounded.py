"""Market data feed: backoff/stamina retries without a real bound."""
import aiohttp
import backoff
import httpx
import stamina

QUOTES_URL = "https://quotes.example.com/v3"


@backoff.on_exception(backoff.expo, aiohttp.ClientError)  # expect: FAN402
async def quote(session: aiohttp.ClientSession, symbol: str) -> dict:
    async with session.get(f"{QUOTES_URL}/quote/{symbol}") as resp:
        resp.raise_for_status()
        return await resp.json()


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_tries=25)  # expect: FAN402
async def history(session: aiohttp.ClientSession, symbol: str, days: int) -> list[dict]:
    async with session.get(f"{QUOTES_URL}/history/{symbol}", params={"days": days}) as resp:
        resp.raise_for_status()
        return await resp.json()


@stamina.retry(on=httpx.HTTPError, attempts=None, timeout=None)  # expect: FAN402
async def market_status(client: httpx.AsyncClient) -> str:
    resp = await client.get(f"{QUOTES_URL}/status")
    resp.raise_for_status()
    return resp.json()["status"]


@stamina.retry(on=httpx.HTTPError, attempts=15)  # expect: FAN402
async def holidays(client: httpx.AsyncClient, year: int) -> list[str]:
    resp = await client.get(f"{QUOTES_URL}/holidays/{year}")
    resp.raise_for_status()
    return resp.json()
