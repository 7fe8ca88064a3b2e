"""Backends: the OpenAI backend keeps the base `ask`, so the base class's
tenacity layer wraps an SDK client left at its default 2 retries."""
import abc

from openai import AsyncOpenAI
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential


class Backend(abc.ABC):
    @retry(  # expect: FAN403
        retry=retry_if_exception_type(ConnectionError),
        wait=wait_random_exponential(max=20),
        stop=stop_after_attempt(4),
    )
    async def _complete_with_retry(self, prompt: str) -> str:
        return await self._complete(prompt)

    @abc.abstractmethod
    async def _complete(self, prompt: str) -> str: ...

    async def ask(self, prompt: str) -> str:
        return await self._complete_with_retry(prompt)


class OpenAIBackend(Backend):
    def __init__(self) -> None:
        self.client = AsyncOpenAI()

    async def _complete(self, prompt: str) -> str:
        out = await self.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return out.choices[0].message.content or ""
