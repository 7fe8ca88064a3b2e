"""Shared OpenAI client: retries are done by the caller, so the SDK must not retry."""
from openai import AsyncOpenAI

shared_client = AsyncOpenAI(max_retries=0, timeout=30.0)


async def chat_once(prompt: str, model: str = "gpt-4o-mini") -> str:
    completion = await shared_client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message.content or ""
