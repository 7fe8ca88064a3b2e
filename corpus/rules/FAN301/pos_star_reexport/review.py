"""Reviews every diff hunk with the configured backend."""
import asyncio

from .llm import ChatBackend


async def review_all(backend: ChatBackend, hunks: list[str]) -> list[str]:
    return await asyncio.gather(*[backend.reply(f"Review:\n{h}") for h in hunks])  # expect: FAN301
