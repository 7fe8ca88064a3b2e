"""Retry policy built from a run config: its default retries every Exception, ten times."""
import typing as t
from dataclasses import dataclass

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential


@dataclass
class RunSettings:
    max_retries: int = 10
    max_wait: int = 60
    retry_on: t.Tuple[t.Type[BaseException], ...] = (Exception,)


def with_retry(fn, settings: RunSettings):
    policy = AsyncRetrying(  # expect: FAN404
        wait=wait_random_exponential(multiplier=1, max=settings.max_wait),
        stop=stop_after_attempt(settings.max_retries),
        retry=retry_if_exception_type(settings.retry_on),
        reraise=True,
    )
    return policy.wraps(fn)
