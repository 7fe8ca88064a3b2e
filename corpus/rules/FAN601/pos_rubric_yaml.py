"""Essay grading: the rubric and the reference answers are rebuilt inside each grading task."""
import asyncio
import logging

import anthropic
import yaml

log = logging.getLogger(__name__)


class Grader:
    def __init__(self):
        self.client = anthropic.AsyncAnthropic()

    async def grade(self, essay: str, rubric: dict, references: list[str]) -> str:
        rubric_text = yaml.dump(rubric, sort_keys=False)  # expect: FAN601
        examples = "\n---\n".join(references)  # expect: FAN601
        msg = await self.client.messages.create(
            model="claude-3-5-sonnet-latest",
            max_tokens=400,
            messages=[{
                "role": "user",
                "content": f"Rubric:\n{rubric_text}\nReference answers:\n{examples}\n\nEssay:\n{essay}",
            }],
        )
        return msg.content[0].text

    async def grade_class(self, essays: list[str], rubric: dict, references: list[str]) -> list[str]:
        grades = await asyncio.gather(*[self.grade(e, rubric, references) for e in essays])
        log.info("graded %d essays", len(grades))
        return grades
