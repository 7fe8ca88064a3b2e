"""A structured-output wrapper around a client built with a timeout: every call carries it."""
import asyncio

import instructor
from openai import AsyncOpenAI
from pydantic import BaseModel

client = instructor.from_openai(AsyncOpenAI(timeout=30))


class Tag(BaseModel):
    label: str


async def tag(text: str) -> Tag:
    return await client.chat.completions.create(
        model="gpt-4o-mini", response_model=Tag, messages=[{"role": "user", "content": text}]
    )


async def tag_all(texts: list[str]) -> list[Tag]:
    return await asyncio.gather(*[tag(t) for t in texts])
