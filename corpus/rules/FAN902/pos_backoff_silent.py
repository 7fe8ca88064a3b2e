"""Scraper retries with backoff but no on_backoff/on_giveup handler."""
import aiohttp
import backoff


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_tries=5)  # expect: FAN902
async def fetch_html(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as resp:
        resp.raise_for_status()
        return await resp.text()


@backoff.on_predicate(backoff.fibo, lambda status: status in (429, 503), max_tries=6)  # expect: FAN902
async def submit_form(session: aiohttp.ClientSession, url: str, form: dict) -> int:
    async with session.post(url, data=form) as resp:
        return resp.status


async def scrape(session: aiohttp.ClientSession, url: str) -> dict:
    html = await fetch_html(session, url)
    return {"url": url, "length": len(html)}
