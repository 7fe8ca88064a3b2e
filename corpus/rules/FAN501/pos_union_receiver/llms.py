"""Two families of models: chat models are async, batch models are sync."""
import typing as t

import httpx
import requests


class ChatModel:
    def __init__(self, url: str):
        self.http = httpx.AsyncClient(timeout=30.0)
        self.url = url

    async def generate(self, prompt: str) -> str:
        resp = await self.http.post(self.url, json={"prompt": prompt})
        return resp.json()["text"]


class BatchModel:
    def generate(self, prompt: str) -> str:
        raise NotImplementedError


class HttpBatchModel(BatchModel):
    def __init__(self, url: str):
        self.url = url

    def generate(self, prompt: str) -> str:
        return requests.post(self.url, json={"prompt": prompt}, timeout=60).json()["text"]


Model = t.Union[ChatModel, BatchModel]
