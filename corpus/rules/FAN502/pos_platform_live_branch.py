"""A platform test that is true on a real CPython (Windows) and an else
branch after a dead one: both run, and the sleep blocks the loop."""
import asyncio
import sys
import time

is_jython = sys.platform.startswith("java")


def settle():
    if sys.platform == "win32":
        time.sleep(0.2)


def backoff():
    if is_jython:
        pass
    else:
        time.sleep(0.5)


async def poll(queue):
    settle()  # expect: FAN502
    backoff()  # expect: FAN502
    return await queue.get()
