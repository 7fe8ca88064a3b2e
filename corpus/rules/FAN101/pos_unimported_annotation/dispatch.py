"""The dispatcher is handed the crawler; its annotation is a name it never imports (a cycle)."""
import asyncio


class Dispatcher:
    def __init__(self, crawler: "PageCrawler") -> None:  # noqa: F821
        self.crawler = crawler

    async def crawl_one(self, url: str) -> str:
        return await self.crawler.fetch(url)

    async def crawl_all(self, urls: list[str]) -> list[str]:
        tasks = [asyncio.create_task(self.crawl_one(u)) for u in urls]  # expect: FAN101
        return await asyncio.gather(*tasks)
