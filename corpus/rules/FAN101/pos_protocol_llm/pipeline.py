"""Every section is drafted by whatever model the pipeline is given."""
import asyncio

from .interface import ChatModel


async def draft_sections(model: ChatModel, outline: list[str]) -> list[str]:
    return await asyncio.gather(*[model.reply(f"Write the section: {s}") for s in outline])  # expect: FAN101
