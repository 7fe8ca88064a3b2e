"""A connector built on its own line; the scraper fans out without a bound."""
import asyncio

import aiohttp


class Scraper:
    def get(self, objects):
        loop = asyncio.get_event_loop()
        conn = aiohttp.TCPConnector(limit=20)
        session = aiohttp.ClientSession(connector=conn)  # expect: FAN702
        tasks = [self._get(obj, session) for obj in objects]
        loop.run_until_complete(asyncio.gather(*tasks))

    async def _get(self, obj, session):
        async with session.get(obj.url) as response:
            obj.set_content(await response.text())
