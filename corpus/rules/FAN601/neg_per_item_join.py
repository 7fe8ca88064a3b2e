"""Meeting notes: each task joins only the utterances of its own meeting."""
import asyncio
import json
import logging

import openai

log = logging.getLogger(__name__)

client = openai.AsyncOpenAI()


async def summarize_meeting(meeting: dict, language: str) -> dict:
    transcript = "\n".join(f"{u['speaker']}: {u['text']}" for u in meeting["utterances"])
    attendees = json.dumps(meeting["attendees"])
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{
            "role": "user",
            "content": f"Attendees: {attendees}\nSummarize in {language}:\n{transcript}",
        }],
    )
    return {"id": meeting["id"], "summary": completion.choices[0].message.content}


async def summarize_meetings(meetings: list[dict], language: str = "en") -> list[dict]:
    results = await asyncio.gather(*[summarize_meeting(m, language) for m in meetings])
    log.info("summarized %d meetings", len(results))
    return results
