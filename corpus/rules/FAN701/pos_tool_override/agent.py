"""The agent runs every tool call the model asked for in one turn at once."""
import asyncio

from .tools import AgentTool


class Agent:
    def __init__(self, tool: AgentTool):
        self.tool = tool

    async def call_tool(self, argument: str) -> str:
        return await self.tool.invoke(argument)

    async def run_turn(self, arguments: list[str]) -> list[str]:
        return await asyncio.gather(*[self.call_tool(a) for a in arguments])
