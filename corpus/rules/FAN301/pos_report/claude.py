"""Anthropic client shared by the report writer (SDK default timeout: 600 s)."""
import anthropic

client = anthropic.AsyncAnthropic()


async def complete(prompt: str, max_tokens: int = 1024) -> str:
    message = await client.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=max_tokens,
        messages=[{"role": "user", "content": prompt}],
    )
    return message.content[0].text
