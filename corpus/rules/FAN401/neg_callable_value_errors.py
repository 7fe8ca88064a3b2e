"""A generic helper re-running a parser on bad model output: not a transport retry."""
import asyncio
import json


async def parse_with_retries(ask, prompt: str, attempts: int = 3) -> dict:
    for attempt in range(attempts):
        try:
            return json.loads(await ask(prompt))
        except (json.JSONDecodeError, ValueError):
            await asyncio.sleep(1)
    raise ValueError("no valid JSON")
