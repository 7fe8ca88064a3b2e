"""The supervisor runs at most `max_units` researchers at once, each with no deadline."""
import asyncio

from langchain_openai import ChatOpenAI

MODEL = ChatOpenAI(model="gpt-4o-mini")


async def research(topic: str) -> str:
    reply = await MODEL.ainvoke(f"Research this topic in depth: {topic}")
    return reply.content


async def supervise(topics: list[str], cfg) -> list[str]:
    allowed = topics[: cfg.max_units]
    return await asyncio.gather(*[research(t) for t in allowed])  # expect: FAN301
