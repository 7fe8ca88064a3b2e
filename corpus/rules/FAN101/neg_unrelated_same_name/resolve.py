"""The index is passed in untyped: it could be either class, which share no base."""
import asyncio


async def resolve_all(index, keys: list[str]) -> list[dict]:
    return await asyncio.gather(*[index.lookup(k) for k in keys])
