"""Legacy SDK wrapper: blocking HTTP pushed off the event loop."""
import asyncio
import functools
import threading

import requests

STATUS_URL = "https://legacy.example.com/api/status"


def fetch_status(service: str) -> dict:
    resp = requests.get(f"{STATUS_URL}/{service}", timeout=10)
    resp.raise_for_status()
    return resp.json()


async def status(service: str) -> dict:
    return await asyncio.to_thread(fetch_status, service)


async def raw_status(url: str) -> int:
    resp = await asyncio.to_thread(requests.get, url, timeout=10)
    return resp.status_code


async def post_event(event: dict) -> int:
    loop = asyncio.get_running_loop()
    resp = await loop.run_in_executor(None, lambda: requests.post(STATUS_URL, json=event, timeout=10))
    return resp.status_code


async def head(url: str) -> int:
    loop = asyncio.get_running_loop()
    resp = await loop.run_in_executor(None, functools.partial(requests.head, url, timeout=5))
    return resp.status_code


async def start_heartbeat(interval: float) -> threading.Thread:
    def beat() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            requests.post(f"{STATUS_URL}/heartbeat", timeout=5)

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    return thread
