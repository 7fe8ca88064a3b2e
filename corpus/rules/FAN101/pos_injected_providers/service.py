"""A service that reaches its model through an injected bundle of providers."""
import asyncio


class TaggingService:
    def __init__(self, providers) -> None:
        self.providers = providers

    async def tag(self, record: dict) -> str:
        return await self.providers.chat.complete_prompt(f"Tag this record: {record['body']}")

    async def tag_all(self, records: list[dict]) -> list[str]:
        jobs = [self.tag(r) for r in records]
        return await asyncio.gather(*jobs)  # expect: FAN101
