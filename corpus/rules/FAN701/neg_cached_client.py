"""Translation service wrapper: the client is created lazily and cached on the instance."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class Translator:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self._client: httpx.AsyncClient | None = None

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url="https://translate.example.com",
                headers={"Authorization": f"DeepL-Auth-Key {self.api_key}"},
            )
        return self._client

    async def translate(self, text: str, target: str) -> str:
        resp = await self._get_client().post("/v2/translate", data={"text": text, "target_lang": target})
        return resp.json()["translations"][0]["text"]

    async def translate_many(self, texts: list[str], target: str = "DE") -> list[str]:
        out = await asyncio.gather(*[self.translate(t, target) for t in texts])
        log.info("translated %d strings", len(out))
        return out
