"""A client with sync and async faces: an async caller of the sync one is fixed
at each call site (await the async variant), however many there are."""
import requests
import httpx


class SearchClient:
    def __init__(self, base: str):
        self.base = base
        self.http = httpx.AsyncClient(timeout=10.0)

    def search(self, query: str) -> dict:
        return requests.post(f"{self.base}/search", json={"q": query}, timeout=10).json()

    async def asearch(self, query: str) -> dict:
        resp = await self.http.post(f"{self.base}/search", json={"q": query})
        return resp.json()


async def answer(client: SearchClient, question: str) -> dict:
    return client.search(question)  # expect: FAN501


async def related(client: SearchClient, topic: str) -> dict:
    return client.search(f"related to {topic}")  # expect: FAN501


async def suggest(client: SearchClient, prefix: str) -> dict:
    return client.search(prefix + "*")  # expect: FAN501
