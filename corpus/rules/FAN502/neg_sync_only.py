"""Sync helpers run in a worker thread or from the CLI, never called directly by a coroutine."""
import asyncio
import os
import time

import requests


def get_with_retry(url: str, attempts: int = 3) -> requests.Response:
    for attempt in range(attempts):
        try:
            return requests.get(url, timeout=10)
        except requests.ConnectionError:
            time.sleep(2 ** attempt)
    raise RuntimeError(url)


def wait_for_file(path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.2)


async def fetch_config(url: str) -> dict:
    resp = await asyncio.to_thread(get_with_retry, url)
    return resp.json()


if __name__ == "__main__":
    wait_for_file("config.json")
    print(get_with_retry("https://config.example.com/app.json").status_code)
