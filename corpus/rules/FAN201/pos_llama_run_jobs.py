"""run_jobs bounds how many run at once, but makes every job up front and returns all results together."""
from llama_index.core.async_utils import run_jobs
from llama_index.llms.openai import OpenAI

llm = OpenAI(model="gpt-4o-mini")


async def summarize(nodes: list) -> list[str]:
    jobs = [llm.acomplete(f"Summarize: {n.text}") for n in nodes]
    results = await run_jobs(jobs, show_progress=True, workers=8)  # expect: FAN201
    return [r.text for r in results]
