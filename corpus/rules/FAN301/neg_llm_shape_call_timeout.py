"""Tagger: the unknown client is given a per-request timeout on every call."""
import asyncio


async def tag(llm, text: str) -> str:
    out = await llm.chat.completions.create(
        model="gpt-4o-mini", timeout=20, messages=[{"role": "user", "content": f"Tags for: {text}"}]
    )
    return out.choices[0].message.content


async def tag_all(llm, texts: list[str]) -> list[str]:
    return await asyncio.gather(*[tag(llm, t) for t in texts])
