"""The provider interface, re-exported from the package with a star import."""
import abc

__all__ = ["ChatBackend"]


class ChatBackend(abc.ABC):
    @abc.abstractmethod
    async def reply(self, prompt: str) -> str:
        ...
