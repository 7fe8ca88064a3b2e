"""Geo lookups: backoff and stamina with their default (jittered) waits."""
import aiohttp
import backoff
import httpx
import stamina

GEO_URL = "https://geo.example.com/v1/lookup"


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_tries=5)
async def lookup(session: aiohttp.ClientSession, ip: str) -> dict:
    async with session.get(GEO_URL, params={"ip": ip}) as resp:
        resp.raise_for_status()
        return await resp.json()


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_time=60, jitter=backoff.random_jitter)
async def lookup_bulk(session: aiohttp.ClientSession, ips: list[str]) -> list[dict]:
    async with session.post(GEO_URL, json={"ips": ips}) as resp:
        resp.raise_for_status()
        return await resp.json()


@stamina.retry(on=httpx.HTTPError, attempts=3)
async def reverse(client: httpx.AsyncClient, lat: float, lon: float) -> dict:
    resp = await client.get("https://geo.example.com/v1/reverse", params={"lat": lat, "lon": lon})
    resp.raise_for_status()
    return resp.json()
