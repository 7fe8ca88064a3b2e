"""Retries set on both layers: 6 tenacity attempts x 4 SDK attempts = 24 requests per summary."""
import anthropic
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

claude = anthropic.AsyncAnthropic(max_retries=3, timeout=60.0)


@retry(  # expect: FAN403
    retry=retry_if_exception_type(anthropic.APIStatusError),
    wait=wait_random_exponential(max=30),
    stop=stop_after_attempt(6),
)
async def outline(topic: str) -> str:
    msg = await claude.messages.create(
        model="claude-haiku-4-5", max_tokens=512, messages=[{"role": "user", "content": topic}]
    )
    return msg.content[0].text
