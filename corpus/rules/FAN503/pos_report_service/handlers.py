"""Async report handlers calling the sync storage helpers directly."""
import logging
import uuid

from openai import AsyncOpenAI

from .storage import read_report, save_report

log = logging.getLogger(__name__)

client = AsyncOpenAI(timeout=120.0)


async def create_report(topic: str, sources: list[str]) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": f"Write a short report on {topic} using:\n" + "\n".join(sources)}],
    )
    report = {"id": uuid.uuid4().hex, "topic": topic, "body": completion.choices[0].message.content}
    path = save_report(report)  # expect: FAN503
    log.info("report %s written to %s", report["id"], path)
    return report["id"]


async def get_report(report_id: str) -> dict:
    return read_report(report_id)  # expect: FAN503
