"""The same shape, but the statements are built from the data: one per table."""
import asyncio

import httpx

CLIENT = httpx.AsyncClient(timeout=5)


def statements_for(tables: list[str]) -> list[str]:
    return [f"ANALYZE {t}" for t in tables]


async def run_statement(statement: str) -> dict:
    return (await CLIENT.post("https://db.example.com/query", json={"q": statement})).json()


async def analyze_all(tables: list[str]) -> list[dict]:
    statements = statements_for(tables)
    return await asyncio.gather(*[run_statement(s) for s in statements])  # expect: FAN201
