"""Translation job: a rate limiter created per call never sees the other calls."""
import asyncio
import logging

import litellm
from aiolimiter import AsyncLimiter

log = logging.getLogger(__name__)


async def translate(segment: str, target_lang: str) -> str:
    rate = AsyncLimiter(60, time_period=60)  # expect: FAN102
    async with rate:
        response = await litellm.acompletion(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"Translate to {target_lang}:\n{segment}"}],
        )
    return response.choices[0].message.content


async def translate_document(segments: list[str], target_lang: str = "de") -> str:
    translated = await asyncio.gather(*[translate(s, target_lang) for s in segments])
    log.info("translated %d segments to %s", len(translated), target_lang)
    return "\n".join(translated)
