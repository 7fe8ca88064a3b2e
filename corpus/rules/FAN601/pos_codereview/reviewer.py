"""Review one file of a pull request against the team guidelines."""
import openai

_client = openai.AsyncOpenAI()


async def review_file(path: str, diff: str, guidelines: list[str]) -> dict:
    rules = "\n".join(f"- {g}" for g in guidelines)  # expect: FAN601
    completion = await _client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"Review the diff against these guidelines:\n{rules}"},
            {"role": "user", "content": f"File: {path}\n\n{diff}"},
        ],
    )
    return {"path": path, "review": completion.choices[0].message.content}
