"""Search and download helpers written with the standard library, called from async code."""
import http.client
import json
import urllib.request


async def search(query: str, api_key: str) -> dict:
    conn = http.client.HTTPSConnection("search.example.com", timeout=10)
    conn.request("POST", "/v1/search", json.dumps({"q": query}), {"X-Key": api_key})  # expect: FAN501
    resp = conn.getresponse()  # expect: FAN501
    return json.loads(resp.read())


async def fetch_dataset(url: str, dest: str) -> str:
    urllib.request.urlretrieve(url, dest)  # expect: FAN501
    return dest
