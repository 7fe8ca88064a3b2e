"""Attempts come from a settings class: 25 by default."""
import backoff
import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential


class Settings:
    fetch_attempts = 25

    def __init__(self) -> None:
        self.upload_tries = 40


settings = Settings()


@retry(  # expect: FAN402
    retry=retry_if_exception_type(httpx.TransportError),
    wait=wait_random_exponential(max=30),
    stop=stop_after_attempt(settings.fetch_attempts),
)
async def fetch(client: httpx.AsyncClient, url: str) -> bytes:
    return (await client.get(url)).content


@backoff.on_exception(backoff.expo, httpx.TransportError, max_tries=settings.upload_tries)  # expect: FAN402
async def upload(client: httpx.AsyncClient, url: str, body: bytes) -> None:
    await client.put(url, content=body)
