"""Agent tools: each subclass implements `invoke`."""
import httpx


class AgentTool:
    name = "base"

    async def invoke(self, argument: str) -> str:
        raise NotImplementedError


class WeatherTool(AgentTool):
    name = "weather"

    async def invoke(self, argument: str) -> str:
        async with httpx.AsyncClient(timeout=10.0) as http:  # expect: FAN701
            resp = await http.get("https://weather.example.com/v1", params={"city": argument})
            return resp.text


class EchoTool(AgentTool):
    name = "echo"

    async def invoke(self, argument: str) -> str:
        return argument
