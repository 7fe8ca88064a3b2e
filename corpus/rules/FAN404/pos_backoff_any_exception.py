"""Image thumbnailer: backoff decorators that retry on every exception."""
import aiohttp
import backoff

THUMB_URL = "https://images.example.com/thumbnail"


@backoff.on_exception(backoff.expo, Exception, max_tries=3)  # expect: FAN404
async def thumbnail(session: aiohttp.ClientSession, image_url: str, width: int) -> bytes:
    async with session.get(THUMB_URL, params={"src": image_url, "w": width}) as resp:
        resp.raise_for_status()
        return await resp.read()


@backoff.on_exception(  # expect: FAN404
    backoff.expo,
    Exception,
    max_time=60,
    on_backoff=lambda details: print("retrying thumbnail metadata", details["tries"]),
)
async def metadata(session: aiohttp.ClientSession, image_url: str) -> dict:
    async with session.get(f"{THUMB_URL}/meta", params={"src": image_url}) as resp:
        resp.raise_for_status()
        return await resp.json()
