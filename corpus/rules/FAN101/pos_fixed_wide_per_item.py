"""150 fixed requests, each for its own URL built in the loop: not a worker pool."""
import asyncio

import aiohttp


async def get_pokemon(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp:
        return (await resp.json())["name"]


async def main() -> list[str]:
    async with aiohttp.ClientSession() as session:
        tasks = []
        for number in range(1, 151):
            url = f"https://pokeapi.co/api/v2/pokemon/{number}"
            tasks.append(asyncio.create_task(get_pokemon(session, url)))  # expect: FAN101
        return await asyncio.gather(*tasks)
