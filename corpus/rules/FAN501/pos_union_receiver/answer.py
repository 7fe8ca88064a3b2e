"""An async step that takes either family and calls the sync one on the loop."""
import typing as t

from .llms import BatchModel, ChatModel


async def answer(model: t.Union[ChatModel, BatchModel], question: str) -> str:
    if isinstance(model, ChatModel):
        return await model.generate(question)
    return model.generate(question)  # expect: FAN501


async def summarize(model: "ChatModel | None", text: str) -> str:
    if model is None:
        return text[:200]
    return await model.generate("Summarize: " + text)


async def maybe_answer(model: t.Optional[ChatModel | BatchModel], question: str) -> str:
    if model is None or isinstance(model, ChatModel):
        return ""
    return model.generate(question)  # expect: FAN501
