"""Rows are dicts; the one project class with a `get` method fetches over HTTP."""
import asyncio

import httpx


class RemoteConfig:
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=5.0)

    async def get(self, key: str) -> str:
        resp = await self.http.get(f"https://config.example.com/{key}")
        return resp.text


async def clean(row) -> dict:
    return {"id": await row.get("id"), "name": (await row.get("name")).strip()}


async def clean_all(rows: list) -> list[dict]:
    return await asyncio.gather(*[clean(r) for r in rows])
