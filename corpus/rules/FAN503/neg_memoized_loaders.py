"""Schema and prompt files read once through memoized helpers: after the
first call the helpers return from memory, so the loop is not held."""
import functools
import json
from functools import lru_cache

import cachetools


@lru_cache(maxsize=32)
def load_schema(name: str) -> dict:
    with open(f"schemas/{name}.json") as f:
        return json.load(f)


@functools.cache
def system_prompt() -> str:
    with open("prompts/system.txt") as f:
        return f.read()


@cachetools.cached(cache=cachetools.TTLCache(maxsize=8, ttl=600))
def feature_flags() -> dict:
    with open("flags.json") as f:
        return json.load(f)


async def validate(doc: dict) -> tuple:
    return load_schema("doc"), system_prompt(), feature_flags(), doc
