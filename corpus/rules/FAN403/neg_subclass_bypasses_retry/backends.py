"""Backends: the base class retries `_complete` in `ask`; the OpenAI backend
answers through its own `ask`, so the retry never wraps its SDK client."""
import abc

from openai import AsyncOpenAI
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential


class Backend(abc.ABC):
    @retry(
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


class LocalBackend(Backend):
    async def _complete(self, prompt: str) -> str:
        return prompt.upper()


class OpenAIBackend(Backend):
    def __init__(self) -> None:
        self.client = AsyncOpenAI()

    async def _complete(self, prompt: str) -> str:
        out = await self.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return out.choices[0].message.content or ""

    async def ask(self, prompt: str) -> str:
        # the SDK's own retries are the only layer here
        return await self._complete(prompt)
