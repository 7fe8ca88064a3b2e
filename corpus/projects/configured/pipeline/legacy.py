"""An old step whose blocking calls the configuration ignores for this file."""
import time


async def throttle() -> None:
    time.sleep(1.0)
