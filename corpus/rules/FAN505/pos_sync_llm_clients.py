"""Chat endpoint built on the sync OpenAI/Anthropic clients inside coroutines."""
import anthropic
from openai import OpenAI

openai_client = OpenAI(timeout=60.0)

SYSTEM = "You are a concise support assistant."


async def answer(question: str, context: list[str]) -> str:
    completion = openai_client.chat.completions.create(  # expect: FAN505
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "\n".join(context) + "\n\nQ: " + question},
        ],
    )
    return completion.choices[0].message.content or ""


async def embed_query(question: str) -> list[float]:
    result = openai_client.embeddings.create(model="text-embedding-3-small", input=[question])  # expect: FAN505
    return result.data[0].embedding


class Escalator:
    def __init__(self) -> None:
        self.claude = anthropic.Anthropic(max_retries=3)

    async def summarize_thread(self, messages: list[str]) -> str:
        reply = self.claude.messages.create(  # expect: FAN505
            model="claude-haiku-4-5",
            max_tokens=300,
            messages=[{"role": "user", "content": "Summarize for a human agent:\n" + "\n".join(messages)}],
        )
        return reply.content[0].text
