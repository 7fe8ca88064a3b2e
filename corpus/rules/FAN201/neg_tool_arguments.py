"""A tool the model calls: its `queries` are what one model turn proposes (a
handful), passed on to the function that fans out over them."""
import asyncio

import httpx
from langchain_core.tools import tool

client = httpx.AsyncClient(timeout=20.0)


async def search_many(search_queries: list[str], max_results: int = 5) -> list[dict]:
    tasks = [client.get("https://search.example.com", params={"q": q, "n": max_results}) for q in search_queries]
    responses = await asyncio.gather(*tasks)
    return [r.json() for r in responses]


@tool(description="Search the web for each query.")
async def web_search(queries: list[str]) -> str:
    results = await search_many(queries)
    return "\n".join(str(r) for r in results)
