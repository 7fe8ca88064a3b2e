"""Agent loop: answer every sub-question, streaming results as they finish."""
import asyncio
import logging

from .tools import answer_subquestion

log = logging.getLogger(__name__)


async def research(topic: str, subquestions: list[str]) -> list[dict]:
    notes = []
    pending = [answer_subquestion(topic, q) for q in subquestions]
    for fut in asyncio.as_completed(pending):  # expect: FAN101
        note = await fut
        log.info("answered: %s", note["question"])
        notes.append(note)
    return notes
