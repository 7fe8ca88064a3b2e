"""Summarize a batch of support tickets with one OpenAI call per ticket."""
import asyncio
import logging
from dataclasses import dataclass

import openai

log = logging.getLogger(__name__)

client = openai.AsyncOpenAI()

SYSTEM_PROMPT = "Summarize the support ticket in two sentences and tag its product area."


@dataclass
class Ticket:
    id: int
    subject: str
    body: str


async def summarize_ticket(ticket: Ticket) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"{ticket.subject}\n\n{ticket.body}"},
        ],
    )
    return completion.choices[0].message.content or ""


async def summarize_backlog(tickets: list[Ticket]) -> dict[int, str]:
    tasks = {}
    async with asyncio.TaskGroup() as tg:
        for ticket in tickets:
            tasks[ticket.id] = tg.create_task(summarize_ticket(ticket))  # expect: FAN101
    log.info("summarized %d tickets", len(tasks))
    return {tid: task.result() for tid, task in tasks.items()}
