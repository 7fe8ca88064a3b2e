"""Contract analysis: each clause task constructs its own OpenAI client."""
import asyncio
import logging
import os

import openai

log = logging.getLogger(__name__)


class ClauseAnalyzer:
    def __init__(self, model: str = "gpt-4o"):
        self.model = model

    async def analyze_clause(self, clause: str) -> str:
        client = openai.AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"])  # expect: FAN701
        completion = await client.chat.completions.create(
            model=self.model,
            messages=[{"role": "user", "content": f"Flag risky terms in this clause:\n{clause}"}],
        )
        return completion.choices[0].message.content or ""

    async def analyze_contract(self, clauses: list[str]) -> list[str]:
        tasks = [asyncio.create_task(self.analyze_clause(c)) for c in clauses]
        findings = await asyncio.gather(*tasks)
        log.info("analyzed %d clauses", len(findings))
        return findings
