"""Each item runs under asyncio.wait_for: the long tail is cut."""
import asyncio

import openai

client = openai.AsyncOpenAI()


async def classify(text: str) -> str:
    resp = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Label: {text}"}]
    )
    return resp.choices[0].message.content or ""


async def classify_all(texts: list[str]) -> list[str]:
    return await asyncio.gather(
        *[asyncio.wait_for(classify(t), timeout=30) for t in texts]
    )
