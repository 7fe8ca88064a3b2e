"""The openai<1.0 module-level API, still common in older pipelines."""
import asyncio

import openai


async def complete(messages: list[dict]) -> str:
    resp = await openai.ChatCompletion.acreate(model="gpt-3.5-turbo", messages=messages)
    return resp["choices"][0]["message"]["content"]


async def complete_all(chats: list[list[dict]]) -> list[str]:
    return await asyncio.gather(*[complete(c) for c in chats])  # expect: FAN101
