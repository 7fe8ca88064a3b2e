"""Support-ticket classifier: tenacity wrapped around an OpenAI client that already retries."""
import logging

import openai
from tenacity import before_sleep_log, retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

logger = logging.getLogger(__name__)

client = openai.AsyncOpenAI(timeout=30.0)

LABELS = ["billing", "bug", "feature_request", "account", "other"]


@retry(  # expect: FAN403
    retry=retry_if_exception_type((openai.RateLimitError, openai.APIConnectionError)),
    wait=wait_random_exponential(min=1, max=30),
    stop=stop_after_attempt(4),
    before_sleep=before_sleep_log(logger, logging.WARNING),
)
async def classify(ticket: str) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": f"Label the ticket with one of: {', '.join(LABELS)}."},
            {"role": "user", "content": ticket},
        ],
        temperature=0,
    )
    label = (completion.choices[0].message.content or "other").strip()
    return label if label in LABELS else "other"


async def label_tickets(tickets: list[str]) -> dict[str, str]:
    return {t: await classify(t) for t in tickets}
