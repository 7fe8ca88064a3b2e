"""Retry policy from a settings object whose retried types are transient errors only."""
from dataclasses import dataclass, field

import httpx
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception_type, stop_after_attempt, wait_random_exponential
import logging

log = logging.getLogger(__name__)


@dataclass
class RetrySettings:
    attempts: int = 5
    retry_on: tuple = field(default=(httpx.TimeoutException, httpx.ConnectError))


def policy(settings: RetrySettings) -> AsyncRetrying:
    return AsyncRetrying(
        wait=wait_random_exponential(max=30),
        stop=stop_after_attempt(settings.attempts),
        retry=retry_if_exception_type(settings.retry_on),
        before_sleep=before_sleep_log(log, logging.WARNING),
    )
