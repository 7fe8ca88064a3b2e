"""Chat agent: every candidate reply re-serializes the whole conversation history."""
import asyncio
import logging

import openai

log = logging.getLogger(__name__)

client = openai.AsyncOpenAI()


async def draft_reply(style: str, history: list[dict]) -> str:
    transcript = "\n".join(f"{m['role']}: {m['content']}" for m in history)  # expect: FAN601
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Conversation:\n{transcript}\n\nReply in a {style} tone."}],
    )
    return completion.choices[0].message.content or ""


async def candidate_replies(styles: list[str], history: list[dict]) -> list[str]:
    replies = await asyncio.gather(*[draft_reply(s, history) for s in styles])
    log.info("drafted %d candidate replies", len(replies))
    return replies


async def reply_options(history: list[dict]) -> list[str]:
    return await candidate_replies(["formal", "friendly", "brief"], history)
