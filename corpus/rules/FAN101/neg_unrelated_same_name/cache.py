"""Two unrelated classes share a method name; only one of them does I/O."""
import httpx


class RemoteIndex:
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=10.0)

    async def lookup(self, key: str) -> dict:
        resp = await self.http.get(f"https://index.example.com/{key}")
        return resp.json()


class MemoryIndex:
    def __init__(self) -> None:
        self.data: dict[str, dict] = {}

    async def lookup(self, key: str) -> dict:
        return self.data.get(key, {})
