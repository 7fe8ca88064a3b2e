"""A sync OpenAI client in a namespace package (no __init__.py anywhere)."""
from openai import OpenAI

client = OpenAI()


def get_reply(prompt: str) -> str:
    resp = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
    )
    return resp.choices[0].message.content or ""
