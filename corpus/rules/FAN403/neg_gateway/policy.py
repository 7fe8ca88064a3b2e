"""Retry policy for gateway calls: the only retry layer on this path."""
import logging

import openai
from tenacity import before_sleep_log, retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from .sdk import chat_once

logger = logging.getLogger(__name__)


@retry(
    retry=retry_if_exception_type((openai.RateLimitError, openai.APIConnectionError)),
    wait=wait_random_exponential(max=30),
    stop=stop_after_attempt(5),
    before_sleep=before_sleep_log(logger, logging.WARNING),
)
async def chat_with_policy(prompt: str) -> str:
    return await chat_once(prompt)
