"""Translation client: tenacity retries with a reasonable stop condition."""
import httpx
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

client = httpx.AsyncClient(base_url="https://translate.example.com", timeout=20.0)

TRANSIENT = retry_if_exception_type((httpx.TimeoutException, httpx.ConnectError))


@retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=20), retry=TRANSIENT)
async def translate(text: str, target: str) -> str:
    resp = await client.post("/v2/translate", json={"q": text, "target": target})
    resp.raise_for_status()
    return resp.json()["translation"]


@retry(stop=stop_after_delay(60), wait=wait_random_exponential(max=10), retry=TRANSIENT)
async def detect(text: str) -> str:
    resp = await client.post("/v2/detect", json={"q": text})
    resp.raise_for_status()
    return resp.json()["language"]


@retry(stop=stop_after_attempt(10), wait=wait_random_exponential(max=30), retry=TRANSIENT)
async def glossary(glossary_id: str) -> dict:
    resp = await client.get(f"/v2/glossaries/{glossary_id}")
    resp.raise_for_status()
    return resp.json()


@retry(
    stop=(stop_after_attempt(5) | stop_after_delay(45)),
    wait=wait_random_exponential(max=15),
    retry=TRANSIENT,
)
async def languages() -> list[str]:
    resp = await client.get("/v2/languages")
    resp.raise_for_status()
    return resp.json()
