"""Providers handed to services as one bundle; the LLM one is chosen by configuration."""
import litellm


class ChatProvider:
    async def complete_prompt(self, prompt: str) -> str:
        raise NotImplementedError


class LiteLLMChat(ChatProvider):
    def __init__(self, model: str) -> None:
        self.model = model

    async def complete_prompt(self, prompt: str) -> str:
        resp = await litellm.acompletion(model=self.model, messages=[{"role": "user", "content": prompt}])
        return resp.choices[0].message.content


class Providers:
    def __init__(self, chat, store) -> None:
        self.chat = chat
        self.store = store
