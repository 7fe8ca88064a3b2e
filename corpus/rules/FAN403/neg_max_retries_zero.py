"""Chat service that owns the retry policy: the SDK clients are built with max_retries=0."""
import logging

import anthropic
import backoff
import openai
from tenacity import before_sleep_log, retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

logger = logging.getLogger(__name__)

client = openai.AsyncOpenAI(max_retries=0, timeout=30.0)


@retry(
    retry=retry_if_exception_type((openai.RateLimitError, openai.APITimeoutError)),
    wait=wait_random_exponential(max=40),
    stop=stop_after_attempt(6),
    before_sleep=before_sleep_log(logger, logging.WARNING),
)
async def reply(history: list[dict]) -> str:
    completion = await client.chat.completions.create(model="gpt-4o", messages=history)
    return completion.choices[0].message.content or ""


class Critic:
    def __init__(self) -> None:
        self.claude = anthropic.AsyncAnthropic(max_retries=0, timeout=60.0)

    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=5)
    async def critique(self, draft: str) -> str:
        message = await self.claude.messages.create(
            model="claude-haiku-4-5",
            max_tokens=400,
            messages=[{"role": "user", "content": f"Critique this draft:\n{draft}"}],
        )
        return message.content[0].text
