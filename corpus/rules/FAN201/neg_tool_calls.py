"""Agent step: the tools the model asked for in one reply run together."""
import asyncio
import json

import httpx
import openai


class Agent:
    def __init__(self):
        self.llm = openai.AsyncOpenAI(timeout=60.0)
        self.http = httpx.AsyncClient(timeout=20.0)

    async def run_tool(self, name: str, arguments: str) -> str:
        resp = await self.http.post(f"https://tools.internal/{name}", json=json.loads(arguments))
        return resp.text

    async def step(self, messages: list[dict]) -> list[str]:
        reply = await self.llm.chat.completions.create(model="gpt-4o", messages=messages)
        message = reply.choices[0].message
        return await asyncio.gather(
            *[self.run_tool(c.function.name, c.function.arguments) for c in message.tool_calls]
        )
