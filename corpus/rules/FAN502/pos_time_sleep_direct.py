"""Rate-limited LLM batch runner that sleeps with time.sleep inside coroutines."""
import time

from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=60.0)

REQUESTS_PER_MINUTE = 50


async def classify(texts: list[str]) -> list[str]:
    labels = []
    for text in texts:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"Sentiment (pos/neg/neutral): {text}"}],
        )
        labels.append(completion.choices[0].message.content or "neutral")
        time.sleep(60 / REQUESTS_PER_MINUTE)  # expect: FAN502
    return labels


class WarmupGate:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()

    async def wait_ready(self) -> None:
        remaining = self.seconds - (time.monotonic() - self.started)
        if remaining > 0:
            time.sleep(remaining)  # expect: FAN502
