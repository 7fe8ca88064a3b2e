"""HTTP helpers for the enrichment API."""
import httpx

API_BASE = "https://enrich.example.com/v2"


async def get_json(path: str, params: dict) -> dict:
    async with httpx.AsyncClient(base_url=API_BASE, timeout=10.0) as client:  # expect: FAN701
        resp = await client.get(path, params=params)
        resp.raise_for_status()
        return resp.json()
