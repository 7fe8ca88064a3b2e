"""A test helper that sleeps only on Jython, and a Python 2 fallback:
branches that never run on CPython 3 (from CPython's test.support)."""
import asyncio
import gc
import sys
import time

is_jython = sys.platform.startswith("java")


def gc_collect():
    gc.collect()
    if is_jython:
        time.sleep(0.1)
    gc.collect()


def wait_ready(flag):
    if sys.version_info[0] == 2:
        while not flag():
            time.sleep(0.05)
    elif False:
        time.sleep(1)


async def test_shutdown():
    gc_collect()
    wait_ready(lambda: True)
    await asyncio.sleep(0)
