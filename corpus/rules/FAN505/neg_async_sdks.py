"""The async flavours of the same SDKs, awaited."""
import redis.asyncio as aioredis
from langchain_openai import ChatOpenAI
from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=60.0)
cache = aioredis.Redis(host="cache.internal", decode_responses=True)
llm = ChatOpenAI(model="gpt-4o-mini", timeout=60)


async def answer(question: str) -> str:
    cached = await cache.get(f"answer:{question}")
    if cached:
        return cached
    completion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
    )
    text = completion.choices[0].message.content or ""
    await cache.set(f"answer:{question}", text, ex=600)
    return text


async def rewrite(text: str) -> str:
    reply = await llm.ainvoke(f"Rewrite in plain English:\n{text}")
    return str(reply.content)


async def rewrite_many(texts: list[str]) -> list[str]:
    replies = await llm.abatch([f"Rewrite in plain English:\n{t}" for t in texts], config={"max_concurrency": 4})
    return [str(r.content) for r in replies]
