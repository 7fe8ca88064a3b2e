"""A hand-rolled backoff decorator factory (from a downloader)."""
import asyncio
from functools import wraps

import aiohttp


def async_backoff(tries: int, delay: int, backoff: int = 2):
    def decorator(func):
        @wraps(func)
        async def wrapper(*args, **kwargs):
            _tries, _delay = tries, delay
            while _tries > 1:
                try:
                    return await func(*args, **kwargs)
                except aiohttp.ClientError:
                    await asyncio.sleep(_delay)  # expect: FAN401
                    _tries -= 1
                    _delay *= backoff
            return await func(*args, **kwargs)
        return wrapper
    return decorator
