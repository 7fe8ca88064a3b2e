"""Summarization jobs: a tenacity retry around a call that reaches the SDK in llm.py."""
import logging

import openai
from tenacity import before_sleep_log, retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from .llm import complete

logger = logging.getLogger(__name__)

SYSTEM = "Summarize the document in five bullet points for an engineering audience."


@retry(  # expect: FAN403
    retry=retry_if_exception_type(openai.APIError),
    wait=wait_random_exponential(max=30),
    stop=stop_after_attempt(5),
    before_sleep=before_sleep_log(logger, logging.INFO),
)
async def summarize(doc_id: str, text: str) -> dict:
    summary = await complete(SYSTEM, text[:20000])
    return {"doc_id": doc_id, "summary": summary}


async def summarize_one(doc: dict) -> dict:
    logger.info("summarizing %s", doc["id"])
    return await summarize(doc["id"], doc["text"])
