"""Crawl result writer: builtin open() and io.open() inside coroutines."""
import io
import json
import os

import httpx

OUT_DIR = "crawl-output"


async def save_page(client: httpx.AsyncClient, url: str, slug: str) -> str:
    resp = await client.get(url)
    path = os.path.join(OUT_DIR, f"{slug}.html")
    with open(path, "w", encoding="utf-8") as fh:  # expect: FAN503
        fh.write(resp.text)
    return path


async def load_seen(path: str) -> set[str]:
    with io.open(path, encoding="utf-8") as fh:  # expect: FAN503
        return {line.strip() for line in fh}


async def append_log(record: dict) -> None:
    fh = open(os.path.join(OUT_DIR, "crawl.jsonl"), "a", encoding="utf-8")  # expect: FAN503
    try:
        fh.write(json.dumps(record) + "\n")
    finally:
        fh.close()
