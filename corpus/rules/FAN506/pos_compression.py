"""Log shipper compressing payloads inside coroutines before upload."""
import bz2
import gzip
import json
import lzma
import zlib

import httpx

SINK = "https://logs.example.com/ingest"


async def ship_batch(client: httpx.AsyncClient, events: list[dict]) -> int:
    body = gzip.compress(json.dumps(events).encode(), compresslevel=9)  # expect: FAN506
    resp = await client.post(SINK, content=body, headers={"Content-Encoding": "gzip"})
    return resp.status_code


async def ship_deflate(client: httpx.AsyncClient, events: list[dict]) -> int:
    body = zlib.compress(json.dumps(events).encode(), 9)  # expect: FAN506
    resp = await client.post(SINK, content=body, headers={"Content-Encoding": "deflate"})
    return resp.status_code


async def archive_day(client: httpx.AsyncClient, day: str, lines: list[str]) -> None:
    blob = "\n".join(lines).encode()
    xz = lzma.compress(blob, preset=6)  # expect: FAN506
    await client.put(f"{SINK}/archive/{day}.xz", content=xz)
    legacy = bz2.compress(blob)  # expect: FAN506
    await client.put(f"{SINK}/archive/{day}.bz2", content=legacy)
