"""The agent runs every tool call the model asked for in one turn, together."""
import asyncio


class Agent:
    def __init__(self, tools) -> None:
        self.tools = tools

    async def call(self, name: str, query: str) -> str:
        if tool := next((t for t in self.tools if t.name == name), None):
            return await tool.run(query)
        return f"no tool {name}"

    async def turn(self, tool_calls: list[dict]) -> list[str]:
        return await asyncio.gather(*[self.call(c["name"], c["query"]) for c in tool_calls])  # expect: FAN301
