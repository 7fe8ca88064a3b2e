"""Agent tools: the search one runs a sync SDK in the default executor."""
import asyncio

import requests


class Tool:
    name = "tool"

    async def run(self, query: str) -> str:
        raise NotImplementedError


class WebSearch(Tool):
    name = "web_search"

    async def run(self, query: str) -> str:
        loop = asyncio.get_running_loop()
        session = requests.Session()
        resp = await loop.run_in_executor(None, lambda: session.get("https://search.example.com", params={"q": query}))
        return resp.text


class Clock(Tool):
    name = "clock"

    async def run(self, query: str) -> str:
        return "12:00"
