"""A few-shot prompt object: its examples are rendered again on every call."""
import json

from openai import AsyncOpenAI

CLIENT = AsyncOpenAI()


class FewShotPrompt:
    instruction: str = "Classify the ticket."
    examples: list[tuple[dict, str]] = []

    def _render_examples(self) -> str:
        parts = []
        for i, (inputs, label) in enumerate(self.examples):
            parts.append(f"Example {i + 1}\nInput: {json.dumps(inputs, indent=2)}\nLabel: {label}")
        return "\n\n".join(parts)

    def render(self, ticket: dict) -> str:
        return self.instruction + "\n" + self._render_examples() + "\nInput: " + json.dumps(ticket)  # expect: FAN601

    async def classify(self, ticket: dict) -> str:
        out = await CLIENT.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": self.render(ticket)}]
        )
        return out.choices[0].message.content
