"""Rows are turned into dicts (plain sync calls) and handed to a service that
makes its own tasks from them: the caller's list is data, not coroutines."""
import asyncio

import httpx

client = httpx.AsyncClient(timeout=10.0)


class Row:
    def __init__(self, text: str) -> None:
        self.text = text

    def as_payload(self) -> dict:
        return {"text": self.text}


async def post_one(payload: dict) -> dict:
    resp = await client.post("https://api.example.com/embed", json=payload)
    return resp.json()


async def post_all(payloads: list[dict]) -> list[dict]:
    return await asyncio.gather(*[post_one(p) for p in payloads])  # expect: FAN201


async def ingest(rows: list[Row]) -> list[dict]:
    return await post_all([row.as_payload() for row in rows])
