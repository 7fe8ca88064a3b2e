"""Request signing and dedup keys: cheap hashing and encoding on the loop."""
import base64
import hashlib
import hmac
import zlib

import httpx

SECRET = b"webhook-signing-secret"


async def verify_webhook(body: bytes, signature: str) -> bool:
    expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


async def dedup_key(url: str, body: bytes) -> str:
    return f"{hashlib.sha256(url.encode()).hexdigest()[:16]}-{zlib.crc32(body):08x}"


async def upload(client: httpx.AsyncClient, name: str, data: bytes) -> dict:
    checksum = base64.b64encode(hashlib.md5(data).digest()).decode()
    resp = await client.put(f"https://blobs.example.com/{name}", content=data, headers={"Content-MD5": checksum})
    resp.raise_for_status()
    return resp.json()
