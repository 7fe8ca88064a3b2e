"""A chain's batch call returns every output at once; its streaming twin hands them over as they end."""
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini", timeout=30)


async def summarize_all(docs: list[str]) -> list[str]:
    prompts = [f"Summarize: {d}" for d in docs]
    results = await llm.abatch(prompts, config={"max_concurrency": 8})  # expect: FAN201
    return [r.content for r in results]


async def summarize_streamed(docs: list[str], sink) -> None:
    prompts = [f"Summarize: {d}" for d in docs]
    async for _, out in llm.abatch_as_completed(prompts, config={"max_concurrency": 8}):
        await sink.write(out.content)


async def summarize_pair(first: str, second: str) -> list[str]:
    results = await llm.abatch([first, second])
    return [r.content for r in results]
