"""An aiohttp session handed around without annotations."""
import asyncio


async def fetch_json(session, url):
    async with session.get(url) as resp:
        return await resp.json()


async def fetch_profiles(session, user_ids):
    return await asyncio.gather(  # expect: FAN101
        *[fetch_json(session, f"https://api.example.com/users/{u}") for u in user_ids]
    )
