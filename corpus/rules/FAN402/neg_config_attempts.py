"""Attempts from a config object and a module constant, both within budget."""
from dataclasses import dataclass

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

MAX_ATTEMPTS = 4


@dataclass
class FetchConfig:
    attempts: int = 5


@retry(
    retry=retry_if_exception_type(httpx.TransportError),
    wait=wait_random_exponential(max=30),
    stop=stop_after_attempt(MAX_ATTEMPTS),
)
async def fetch(client: httpx.AsyncClient, url: str) -> bytes:
    return (await client.get(url)).content


async def fetch_all(client: httpx.AsyncClient, urls: list[str], config: FetchConfig) -> list[bytes]:
    from tenacity import AsyncRetrying
    out = []
    for url in urls:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(httpx.TransportError),
            wait=wait_random_exponential(max=30),
            stop=stop_after_attempt(config.attempts),
        ):
            with attempt:
                out.append((await client.get(url)).content)
    return out
