"""Thumbnail API: sync boto3/redis clients and blocking future results in handlers."""
import json
from concurrent.futures import ThreadPoolExecutor

import boto3
import redis

s3 = boto3.client("s3", region_name="eu-west-1")
cache = redis.Redis(host="cache.internal", port=6379, decode_responses=True)
_executor = ThreadPoolExecutor(max_workers=4)

BUCKET = "thumbnails-prod"


def render_thumbnail(image: bytes, width: int) -> bytes:
    return image[: width * 1000]


async def get_thumbnail_meta(key: str) -> dict:
    cached = cache.get(f"thumb:{key}")  # expect: FAN505
    if cached:
        return json.loads(cached)
    head = s3.head_object(Bucket=BUCKET, Key=key)  # expect: FAN505
    meta = {"size": head["ContentLength"], "type": head["ContentType"]}
    cache.setex(f"thumb:{key}", 3600, json.dumps(meta))  # expect: FAN505
    return meta


async def make_thumbnail(key: str, image: bytes, width: int = 256) -> str:
    data = _executor.submit(render_thumbnail, image, width).result()  # expect: FAN505
    out_key = f"{key}@{width}.webp"
    s3.put_object(Bucket=BUCKET, Key=out_key, Body=data, ContentType="image/webp")  # expect: FAN505
    return out_key


async def make_variants(key: str, image: bytes) -> list[bytes]:
    future = _executor.submit(render_thumbnail, image, 64)
    small = future.result(timeout=30)  # expect: FAN505
    return [small]
