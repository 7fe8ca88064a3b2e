"""Thin wrapper around litellm used by the agent."""
import litellm

DEFAULT_MODEL = "anthropic/claude-3-5-haiku-latest"


async def ask(prompt: str, model: str = DEFAULT_MODEL) -> str:
    response = await litellm.acompletion(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        temperature=0.2,
    )
    return response.choices[0].message.content


def build_prompt(topic: str, question: str) -> str:
    return f"You are researching {topic!r}. Answer concisely:\n{question}"
