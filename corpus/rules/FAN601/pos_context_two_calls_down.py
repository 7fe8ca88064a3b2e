"""Entity tagger: each entity's task rebuilds the whole transcript two calls down."""
import asyncio

import openai

client = openai.AsyncOpenAI(timeout=30.0)


def render_turns(turns: list[dict]) -> str:
    lines = []
    for i, turn in enumerate(turns):
        lines.append(f"[{i}] {turn['speaker']}: {turn['text']}")
    return "\n".join(lines)


def build_context(entity: str, turns: list[dict]) -> dict:
    return {"entity": entity, "transcript": render_turns(turns)}


async def tag_entity(entity: str, turns: list[dict]) -> str:
    context = build_context(entity, turns=turns)  # expect: FAN601
    out = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": str(context)}]
    )
    return out.choices[0].message.content


async def tag_all(entities: list[str], turns: list[dict]) -> list[str]:
    return await asyncio.gather(*[tag_entity(e, turns) for e in entities])
