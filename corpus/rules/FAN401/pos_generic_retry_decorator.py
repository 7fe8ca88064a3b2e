# From CodingBee77/high_concurrency_fetcher retry_decorator.py:13/16 (+ data_fetcher.py).
# A hand retry loop in a decorator: catches Exception and sleeps a constant delay.
import asyncio
from functools import wraps

import httpx

client = httpx.AsyncClient(timeout=5)


def async_retry(max_tries=3, delay=1):
    def decorator(func):
        @wraps(func)
        async def wrapper(*args, **kwargs):
            for attempt in range(max_tries):
                try:
                    return await func(*args, **kwargs)
                except Exception:  # expect: FAN404
                    if attempt < max_tries - 1:
                        await asyncio.sleep(delay)  # expect: FAN401
                    else:
                        raise
        return wrapper
    return decorator


@async_retry(max_tries=3, delay=0.5)
async def fetch_post(post_id):
    resp = await client.get(f"https://example.org/posts/{post_id}")
    return resp.json()
