"""The policy applied by name: `@llm_retry` retries every exception."""
from openai import AsyncOpenAI

from .retrying import llm_retry

client = AsyncOpenAI(max_retries=0)


@llm_retry  # expect: FAN404
async def predict(prompt: str) -> str:
    resp = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
    )
    return resp.choices[0].message.content or ""
