"""flake8's spelling variants: NOQA, no space after the colon."""
import asyncio
import time


async def pause() -> None:
    time.sleep(1)  # NOQA:FAN502


async def pause_more() -> None:
    time.sleep(2)  # noqa:FAN5
