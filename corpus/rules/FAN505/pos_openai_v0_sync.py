"""openai<1.0's sync module API called from an async handler."""
import openai


async def on_message(text: str) -> str:
    resp = openai.Completion.create(model="text-davinci-003", prompt=text)  # expect: FAN505
    return resp["choices"][0]["text"]
