"""Every ticket is classified with the same prompt object."""
import asyncio

from .prompt import FewShotPrompt


async def triage(tickets: list[dict]) -> list[str]:
    prompt = FewShotPrompt()
    return await asyncio.gather(*[prompt.classify(t) for t in tickets])
