"""Search: each query formats a few fields of the shared filter into a clause: no large context."""
import asyncio

import asyncpg


def filter_clause(search_filter: dict) -> str:
    parts = []
    if search_filter.get("labels"):
        parts.append("label = ANY($2)")
    if search_filter.get("since"):
        parts.append("created_at >= $3")
    return " AND ".join(parts) or "TRUE"


async def run_query(pool: asyncpg.Pool, query: str, search_filter: dict) -> list:
    where = filter_clause(search_filter)
    async with pool.acquire() as conn:
        return await conn.fetch(f"SELECT * FROM nodes WHERE name % $1 AND {where}", query)


async def search_all(pool: asyncpg.Pool, queries: list[str], search_filter: dict) -> list:
    return await asyncio.gather(*[run_query(pool, q, search_filter) for q in queries])
