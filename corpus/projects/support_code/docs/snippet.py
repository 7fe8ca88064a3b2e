"""A documentation snippet that calls requests in async code."""
import requests


async def fetch_status(url: str) -> int:
    return requests.get(url, timeout=5).status_code
