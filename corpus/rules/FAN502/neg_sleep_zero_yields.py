"""`time.sleep(0)` only yields the thread: it blocks the loop for no time."""
import time


async def checksum(chunks: list[bytes]) -> int:
    total = 0
    for i, chunk in enumerate(chunks):
        total = (total + sum(chunk)) % 65521
        if i % 1000 == 0:
            time.sleep(0)
    return total
