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


async def wait_for_endpoint(url: str) -> bool:
    # a readiness poll: a check that raised nothing but found the service not
    # ready goes round again; the wait comes after the try either way
    async with httpx.AsyncClient(timeout=2.0) as client:
        for attempt in range(5):
            try:
                resp = await client.get(url)
                if resp.status_code == 200:
                    return True
            except Exception as exc:
                print(f"check {attempt + 1} failed: {exc}")
            await asyncio.sleep(0.5 * (1.4**attempt))
    return False
