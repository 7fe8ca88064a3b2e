"""A small ensemble held on the instance: three models from a module constant,
two judges from a class attribute. The fan-outs are three and two wide."""
import asyncio

import httpx

MODELS = ["gpt-4o", "claude-3-5-sonnet", "gemini-1.5-pro"]


class Ensemble:
    judges = ("strict", "lenient")

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.models = MODELS

    async def ask(self, model: str, prompt: str) -> dict:
        r = await self.client.post(
            "https://api.example.com/v1/chat", json={"model": model, "prompt": prompt}, timeout=30
        )
        return r.json()

    async def vote(self, prompt: str) -> list[dict]:
        return await asyncio.gather(*[self.ask(m, prompt) for m in self.models])

    async def judge(self, answer: str) -> list[dict]:
        return await asyncio.gather(*[self.ask(j, answer) for j in self.judges])
