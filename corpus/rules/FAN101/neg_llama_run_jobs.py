"""llama_index's run_jobs holds a Semaphore(workers) around every job: the fan-out is bounded."""
from llama_index.core.async_utils import run_jobs
from llama_index.llms.openai import OpenAI

llm = OpenAI(model="gpt-4o-mini")


async def summarize(nodes: list) -> list[str]:
    jobs = [llm.acomplete(f"Summarize: {n.text}") for n in nodes]
    results = await run_jobs(jobs, show_progress=True, workers=8)
    return [r.text for r in results]


async def title(nodes: list) -> list[str]:
    return await run_jobs([llm.acomplete(f"Title: {n.text}") for n in nodes])
