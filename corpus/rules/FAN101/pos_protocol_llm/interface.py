"""The pipeline's model interface: a Protocol its backends satisfy without subclassing it."""
from typing import Protocol


class ChatModel(Protocol):
    async def reply(self, prompt: str) -> str: ...
