"""The same supervisor, with a deadline on each researcher."""
import asyncio

from langchain_openai import ChatOpenAI

MODEL = ChatOpenAI(model="gpt-4o-mini")


async def research(topic: str) -> str:
    reply = await asyncio.wait_for(MODEL.ainvoke(f"Research this topic in depth: {topic}"), timeout=120)
    return reply.content


async def supervise(topics: list[str], cfg) -> list[str]:
    allowed = topics[: cfg.max_units]
    return await asyncio.gather(*[research(t) for t in allowed])
