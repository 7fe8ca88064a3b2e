"""Report drafting: the helper renders only the task's own section, not the shared notes."""
import asyncio

import openai

client = openai.AsyncOpenAI(timeout=30.0)


def render(section: dict) -> str:
    return "\n".join(f"* {point}" for point in section["points"])


async def draft(section: dict, style: str) -> str:
    body = render(section)
    out = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"In a {style} style:\n{body}"}]
    )
    return out.choices[0].message.content


async def draft_all(sections: list[dict], style: str) -> list[str]:
    return await asyncio.gather(*[draft(s, style) for s in sections])
