"""One LLM call per DataFrame row (seen in an evaluation harness)."""
import asyncio

from openai import AsyncOpenAI

client = AsyncOpenAI()


async def judge(row) -> str:
    resp = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": row["answer"]}]
    )
    return resp.choices[0].message.content or ""


async def judge_frame(df) -> list[str]:
    tasks = [judge(row) for _, row in df.iterrows()]
    return await asyncio.gather(*tasks)  # expect: FAN101
