"""Building a request and reading the client's settings send nothing; only send() does, offloaded."""
import asyncio

import httpx

CLIENT = httpx.Client(base_url="https://api.example.com", timeout=10)


async def prepare(path: str) -> httpx.Request:
    request = CLIENT.build_request("GET", path, headers={"x-trace": "1"})
    CLIENT.headers.update({"x-client": "fanout-test"})
    return request


async def send(path: str) -> int:
    request = await prepare(path)
    resp = await asyncio.to_thread(CLIENT.send, request)
    return resp.status_code
