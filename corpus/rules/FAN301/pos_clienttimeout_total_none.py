# From OSC/async_llm_api async_api.py:37.
# ClientTimeout(total=None) disables the total timeout: it is not a timeout on the path.
import asyncio

import aiohttp


async def fetch(session, prompt):
    resp = await session.post("https://llm.example/generate", json={"prompt": prompt})
    return await resp.read()


async def main(prompts):
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=300, sock_read=300)
    sem = asyncio.Semaphore(8)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(p):
            async with sem:
                return await fetch(session, p)

        return await asyncio.gather(*[one(p) for p in prompts])  # expect: FAN301
