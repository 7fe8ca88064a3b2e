"""A test that waits with time.sleep in async code: true, but not production code."""
import time

from app.pipeline import enrich


async def test_enrich_waits():
    time.sleep(0.1)
    assert await enrich({"ip": "127.0.0.1"})
