"""The crawler fetches one page over HTTP."""
import httpx


class PageCrawler:
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=15)

    async def fetch(self, url: str) -> str:
        return (await self.http.get(url)).text
