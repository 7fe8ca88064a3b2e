"""Node summaries: every node's task re-joins all notes of the meeting."""
import anthropic

from .util import limited_gather

llm = anthropic.AsyncAnthropic(timeout=60.0)


async def summarize_node(node: str, notes: list[str]) -> str:
    background = "\n\n".join(f"- {n}" for n in notes)  # expect: FAN601
    msg = await llm.messages.create(
        model="claude-3-5-haiku-latest",
        max_tokens=200,
        messages=[{"role": "user", "content": f"{background}\n\nSummarize what we know about {node}."}],
    )
    return msg.content[0].text


async def summarize_nodes(nodes: list[str], notes: list[str]) -> list[str]:
    return await limited_gather(*[summarize_node(n, notes) for n in nodes])
