"""A retry layer over a client whose own retries were lowered on purpose: 3 x 2 attempts stay in budget."""
from openai import AsyncOpenAI
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
import openai

llm = AsyncOpenAI(max_retries=1, timeout=30.0)


@retry(
    retry=retry_if_exception_type(openai.RateLimitError),
    wait=wait_random_exponential(max=30),
    stop=stop_after_attempt(3),
)
async def summarize(text: str) -> str:
    out = await llm.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"Summarize:\n{text}"}]
    )
    return out.choices[0].message.content or ""
