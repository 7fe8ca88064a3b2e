"""A module-level list of five messages, never changed: a fixed fan-out."""
import asyncio

from openai import AsyncOpenAI

client = AsyncOpenAI()

text_messages = ["great", "ok", "meh", "bad", "awful"]


async def classify(message: str) -> str:
    resp = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": message}]
    )
    return resp.choices[0].message.content or ""


async def main() -> list[str]:
    return await asyncio.gather(*[classify(m) for m in text_messages])
