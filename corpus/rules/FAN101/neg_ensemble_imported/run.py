"""The ensemble's members come from the project's config module: three of them."""
import asyncio

import httpx

from .config import MODELS, N_JUDGES


async def ask(client: httpx.AsyncClient, model: str, prompt: str) -> dict:
    r = await client.post(
        "https://api.example.com/v1/chat", json={"model": model, "prompt": prompt}, timeout=30
    )
    return r.json()


async def vote(client: httpx.AsyncClient, prompt: str) -> list[dict]:
    return await asyncio.gather(*[ask(client, m, prompt) for m in MODELS])


async def judge(client: httpx.AsyncClient, answer: str) -> list[dict]:
    return await asyncio.gather(*[ask(client, f"judge-{i}", answer) for i in range(N_JUDGES)])
