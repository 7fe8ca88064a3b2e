"""Loops that wait for a service: every pass sleeps first, or sleeps between successful checks."""
import asyncio
import time

import httpx
import requests


def wait_until_healthy(port: int) -> None:
    for _ in range(20):
        time.sleep(1)
        try:
            if requests.get(f"http://localhost:{port}/health", timeout=2).status_code == 200:
                return
        except Exception:
            pass
    raise TimeoutError("service did not come up")


async def watch_jobs(client: httpx.AsyncClient, done: asyncio.Event) -> None:
    while True:
        try:
            resp = await client.get("https://jobs.example.com/status")
            if resp.json()["state"] == "finished":
                done.set()
                return
            await asyncio.sleep(2)
        except Exception:
            await asyncio.sleep(2)
