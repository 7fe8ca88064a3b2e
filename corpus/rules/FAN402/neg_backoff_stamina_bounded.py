"""Object storage client: backoff/stamina retries with a bound."""
import aiohttp
import backoff
import httpx
import stamina

BUCKET_URL = "https://storage.example.com/b/reports"


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_time=30)
async def put_object(session: aiohttp.ClientSession, key: str, body: bytes) -> None:
    async with session.put(f"{BUCKET_URL}/{key}", data=body) as resp:
        resp.raise_for_status()


@backoff.on_exception(backoff.expo, aiohttp.ClientError, max_tries=10)
async def head_object(session: aiohttp.ClientSession, key: str) -> int:
    async with session.head(f"{BUCKET_URL}/{key}") as resp:
        resp.raise_for_status()
        return int(resp.headers["Content-Length"])


@stamina.retry(on=httpx.HTTPError)
async def list_objects(client: httpx.AsyncClient, prefix: str) -> list[str]:
    resp = await client.get(BUCKET_URL, params={"prefix": prefix})
    resp.raise_for_status()
    return [item["key"] for item in resp.json()["items"]]
