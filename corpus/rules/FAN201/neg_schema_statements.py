"""The index statements come from functions that return lists written out: a schema, not data."""
import asyncio
import typing

import httpx

CLIENT = httpx.AsyncClient(timeout=5)


def range_indices(provider: str) -> list[str]:
    if provider == "graph":
        return ["CREATE INDEX node_id", "CREATE INDEX edge_id"]
    return []


def text_indices(provider: str) -> list[str]:
    return typing.cast(list[str], ["CREATE FULLTEXT node_text"])


async def run_statement(statement: str) -> dict:
    return (await CLIENT.post("https://db.example.com/query", json={"q": statement})).json()


async def build_indices(provider: str) -> list[dict]:
    statements: list[str] = range_indices(provider) + text_indices(provider)
    return await asyncio.gather(*[run_statement(s) for s in statements])
