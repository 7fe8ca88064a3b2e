"""Section drafting."""
from .claude import complete


async def draft_section(title: str, notes: str) -> str:
    prompt = f"Write the report section '{title}' from these notes:\n{notes}"
    return await complete(prompt, max_tokens=800)
