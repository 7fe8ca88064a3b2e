"""Search API client: backoff/stamina decorators with jitter turned off."""
import backoff
import httpx
import stamina

SEARCH_URL = "https://search.example.com/api"

client = httpx.AsyncClient(base_url=SEARCH_URL, timeout=15.0)


@backoff.on_exception(backoff.expo, httpx.HTTPError, max_tries=5, jitter=None)  # expect: FAN401
async def search(query: str, limit: int = 10) -> list[dict]:
    resp = await client.get("/search", params={"q": query, "limit": limit})
    resp.raise_for_status()
    return resp.json()["hits"]


@backoff.on_predicate(  # expect: FAN401
    backoff.constant,
    lambda resp: resp.status_code == 429,
    interval=2,
    max_tries=4,
    jitter=None,
)
async def suggest(prefix: str) -> httpx.Response:
    return await client.get("/suggest", params={"prefix": prefix})


@stamina.retry(on=httpx.HTTPError, attempts=4, wait_jitter=0)  # expect: FAN401
async def fetch_document(doc_id: str) -> dict:
    resp = await client.get(f"/documents/{doc_id}")
    resp.raise_for_status()
    return resp.json()
