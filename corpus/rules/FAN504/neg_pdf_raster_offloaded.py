"""The same thumbnails, rendered in a worker thread."""
import asyncio
from functools import partial

from pdf2image import convert_from_path


def render(path: str, pages: int) -> list:
    return convert_from_path(path, dpi=72, last_page=pages)


async def thumbnails(path: str) -> list:
    return await asyncio.to_thread(render, path, 5)


async def first_page(path: str) -> list:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, partial(convert_from_path, path, last_page=1))
