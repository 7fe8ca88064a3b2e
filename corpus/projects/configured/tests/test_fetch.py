"""A test that blocks the loop: analyzed, not shown by default."""
import time


async def test_slow():
    time.sleep(0.1)
