"""Agent tools: each tool turns a sub-question into an answer."""
from .llm import ask, build_prompt


async def answer_subquestion(topic: str, question: str) -> dict:
    text = await ask(build_prompt(topic, question))
    return {"question": question, "answer": text.strip()}
