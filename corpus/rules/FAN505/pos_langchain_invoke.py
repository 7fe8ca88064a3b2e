"""Support triage graph node calling a LangChain chat model synchronously."""
from langchain_anthropic import ChatAnthropic
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

router_llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)

ROUTES = ["billing", "technical", "sales"]


async def route(ticket: str) -> str:
    reply = router_llm.invoke(  # expect: FAN505
        [SystemMessage(content=f"Route to one of {ROUTES}."), HumanMessage(content=ticket)]
    )
    label = str(reply.content).strip().lower()
    return label if label in ROUTES else "technical"


class DraftNode:
    def __init__(self) -> None:
        self.llm = ChatAnthropic(model="claude-haiku-4-5", max_tokens=512)

    async def __call__(self, state: dict) -> dict:
        draft = self.llm.invoke(f"Draft a reply to this ticket:\n{state['ticket']}")  # expect: FAN505
        return {**state, "draft": draft.content}
