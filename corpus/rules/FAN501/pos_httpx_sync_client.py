"""Weather enrichment in an async job, using sync httpx and urllib3 by mistake."""
import httpx
import urllib3

WEATHER_URL = "https://api.weather.example.com/v1"

sync_client = httpx.Client(base_url=WEATHER_URL, timeout=10.0)
pool = urllib3.PoolManager(num_pools=4)


async def current_weather(lat: float, lon: float) -> dict:
    resp = httpx.get(f"{WEATHER_URL}/current", params={"lat": lat, "lon": lon})  # expect: FAN501
    resp.raise_for_status()
    return resp.json()


async def forecast(city_id: str, days: int = 3) -> dict:
    resp = sync_client.get("/forecast", params={"city": city_id, "days": days})  # expect: FAN501
    return resp.json()


async def alerts(region: str) -> bytes:
    resp = pool.request("GET", f"{WEATHER_URL}/alerts/{region}")  # expect: FAN501
    return resp.data


async def enrich(event: dict) -> dict:
    history = httpx.Client(base_url=WEATHER_URL, timeout=5.0)
    resp = history.post("/historical", json={"ts": event["ts"], "loc": event["loc"]})  # expect: FAN501
    event["weather"] = resp.json()
    return event
