"""Async queue worker that calls the blocking tool wrappers directly."""
import asyncio
import logging

from .tools import compress_pdf, render_pdf

log = logging.getLogger(__name__)


async def handle_job(job: dict) -> str:
    pdf = render_pdf(job["html"], job["pdf"])  # expect: FAN504
    if job.get("compress"):
        pdf = compress_pdf(pdf)  # expect: FAN504
    log.info("job %s rendered to %s", job["id"], pdf)
    return pdf


async def worker(queue: asyncio.Queue) -> None:
    while True:
        job = await queue.get()
        try:
            await handle_job(job)
        finally:
            queue.task_done()
