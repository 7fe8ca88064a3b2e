"""A chain's own batch call: with no max_concurrency, langchain gathers every input at once."""
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini", timeout=30)


async def summarize_all(docs: list[str]) -> list[str]:
    prompts = [f"Summarize: {d}" for d in docs]
    results = await llm.abatch(prompts)  # expect: FAN101
    return [r.content for r in results]


async def summarize_bounded(docs: list[str]) -> list[str]:
    prompts = [f"Summarize: {d}" for d in docs]
    results = await llm.abatch(prompts, config={"max_concurrency": 8})
    return [r.content for r in results]


async def summarize_configured(docs: list[str], config: dict) -> list[str]:
    results = await llm.abatch([f"Summarize: {d}" for d in docs], config)
    return [r.content for r in results]


async def summarize_pair(first: str, second: str) -> list[str]:
    results = await llm.abatch([first, second])
    return [r.content for r in results]
