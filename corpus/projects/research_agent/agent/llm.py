"""Shared OpenAI client and the completion helper the planner and summarizer use."""
import logging
import os

import openai
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

log = logging.getLogger(__name__)

MODEL = os.environ.get("RESEARCH_MODEL", "gpt-4o-mini")

TRANSIENT = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)

# tenacity below is the only retry layer, so the SDK's own retries are switched off.
client = openai.AsyncOpenAI(timeout=45.0, max_retries=0)


@retry(
    retry=retry_if_exception_type(TRANSIENT),
    wait=wait_random_exponential(multiplier=1, max=20),
    stop=stop_after_attempt(4),
    before_sleep=before_sleep_log(log, logging.WARNING),
)
async def complete(system: str, user: str, *, temperature: float = 0.2, max_tokens: int = 800) -> str:
    resp = await client.chat.completions.create(
        model=MODEL,
        temperature=temperature,
        max_tokens=max_tokens,
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ],
    )
    if resp.usage is not None:
        log.debug("completion: %d prompt / %d completion tokens",
                  resp.usage.prompt_tokens, resp.usage.completion_tokens)
    return resp.choices[0].message.content or ""
