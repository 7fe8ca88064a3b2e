"""Thin wrapper over the OpenAI SDK (default max_retries, so the SDK retries on its own)."""
from openai import AsyncOpenAI

_client = AsyncOpenAI(timeout=45.0)

MODEL = "gpt-4o-mini"


async def complete(system: str, user: str, max_tokens: int = 512) -> str:
    completion = await _client.chat.completions.create(
        model=MODEL,
        max_tokens=max_tokens,
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
    )
    return completion.choices[0].message.content or ""
