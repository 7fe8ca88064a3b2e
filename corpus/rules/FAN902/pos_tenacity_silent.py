"""Geocoding client: tenacity retries with no before_sleep/after/before hook."""
import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

client = httpx.AsyncClient(base_url="https://geocode.example.com/v1", timeout=10.0)

TRANSIENT = (httpx.TimeoutException, httpx.ConnectError, httpx.RemoteProtocolError)


@retry(  # expect: FAN902
    retry=retry_if_exception_type(TRANSIENT),
    wait=wait_random_exponential(multiplier=1, max=20),
    stop=stop_after_attempt(4),
    reraise=True,
)
async def geocode(address: str) -> tuple[float, float]:
    resp = await client.get("/search", params={"q": address, "limit": 1})
    resp.raise_for_status()
    hit = resp.json()["results"][0]
    return hit["lat"], hit["lon"]


@retry(retry=retry_if_exception_type(TRANSIENT), wait=wait_random_exponential(max=10), stop=stop_after_attempt(3))  # expect: FAN902
async def reverse(lat: float, lon: float) -> str:
    resp = await client.get("/reverse", params={"lat": lat, "lon": lon})
    resp.raise_for_status()
    return resp.json()["display_name"]
