"""Silent excepts in code that neither fans out nor is fanned out."""
import httpx


class Session:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url="https://api.example.com", timeout=5.0)

    async def close(self) -> None:
        try:
            await self.client.aclose()
        except Exception:
            pass

    async def whoami(self) -> str | None:
        try:
            resp = await self.client.get("/me")
            return resp.json()["name"]
        except Exception:
            pass
        return None

    async def greet(self) -> str:
        name = await self.whoami()
        return f"hello {name or 'stranger'}"
