"""A helper under a decorator that does not memoize still reads the file on
every call."""
import functools
import json
import time


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            print(fn.__name__, time.perf_counter() - start)

    return wrapper


@timed
def load_rows(path: str) -> list:
    with open(path) as f:
        return json.load(f)


async def ingest(path: str) -> int:
    rows = load_rows(path)  # expect: FAN503
    return len(rows)
