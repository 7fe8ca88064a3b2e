"""Pull-request review orchestrator."""
import asyncio
import logging

from .reviewer import review_file

log = logging.getLogger(__name__)


async def review_pull_request(file_diffs: dict[str, str], guidelines: list[str]) -> list[dict]:
    reviews = await asyncio.gather(
        *[review_file(path, diff, guidelines) for path, diff in file_diffs.items()]
    )
    log.info("reviewed %d files", len(reviews))
    return reviews
