"""A tracing wrapper around a client built without a timeout: the SDK's 600 s default holds the phase."""
import asyncio

from langsmith.wrappers import wrap_openai
from openai import AsyncOpenAI

client = wrap_openai(AsyncOpenAI())


async def summarize(doc: str) -> str:
    out = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Summarize: {doc}"}]
    )
    return out.choices[0].message.content or ""


async def summarize_all(docs: list[str]) -> list[str]:
    return await asyncio.gather(*[summarize(d) for d in docs])  # expect: FAN301
