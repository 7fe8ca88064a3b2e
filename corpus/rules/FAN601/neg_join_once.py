"""Multi-question QA: the shared context is joined once, before the fan-out."""
import asyncio
import logging

import litellm

log = logging.getLogger(__name__)


async def answer(question: str, context: str) -> str:
    response = await litellm.acompletion(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": f"Answer only from this context:\n{context}"},
            {"role": "user", "content": question},
        ],
    )
    return response.choices[0].message.content


async def answer_all(questions: list[str], passages: list[str]) -> dict[str, str]:
    context = "\n\n".join(passages)
    answers = await asyncio.gather(*[answer(q, context) for q in questions])
    log.info("answered %d questions over %d passages", len(answers), len(passages))
    return dict(zip(questions, answers))
