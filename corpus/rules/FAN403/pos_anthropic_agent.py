"""Research agent: backoff/tenacity decorators on methods of a class holding SDK clients."""
import anthropic
import backoff
from openai import AsyncOpenAI
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential


class ResearchAgent:
    def __init__(self, model: str = "claude-sonnet-4-5") -> None:
        self.model = model
        self.claude = anthropic.AsyncAnthropic()
        self.embedder = AsyncOpenAI(timeout=20.0)

    @backoff.on_exception(backoff.expo, anthropic.APIStatusError, max_tries=4)  # expect: FAN403
    async def think(self, question: str, notes: list[str]) -> str:
        message = await self.claude.messages.create(
            model=self.model,
            max_tokens=1024,
            system="You are a careful research assistant.",
            messages=[{"role": "user", "content": question + "\n\nNotes:\n" + "\n".join(notes)}],
        )
        return message.content[0].text

    @retry(  # expect: FAN403
        retry=retry_if_exception_type(Exception),
        wait=wait_random_exponential(max=20),
        stop=stop_after_attempt(3),
    )
    async def embed(self, texts: list[str]) -> list[list[float]]:
        result = await self.embedder.embeddings.create(model="text-embedding-3-small", input=texts)
        return [item.embedding for item in result.data]

    async def answer(self, question: str, notes: list[str]) -> str:
        return await self.think(question, notes)
