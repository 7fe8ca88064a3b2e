"""RAG evaluation: run the QA chain over an evaluation set with anyio workers."""
import logging

import anyio
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

log = logging.getLogger(__name__)

PROMPT = ChatPromptTemplate.from_template(
    "Answer using only the context.\n\nContext:\n{context}\n\nQuestion: {question}"
)


class QAEvaluator:
    def __init__(self, retriever):
        self.retriever = retriever
        self.chain = PROMPT | ChatOpenAI(model="gpt-4o-mini") | StrOutputParser()
        self.answers: dict[str, str] = {}

    async def answer(self, question: str) -> None:
        docs = await self.retriever.ainvoke(question)
        context = "\n\n".join(d.page_content for d in docs)
        self.answers[question] = await self.chain.ainvoke(
            {"context": context, "question": question}
        )

    async def run(self, questions: list[str]) -> dict[str, str]:
        async with anyio.create_task_group() as tg:
            for question in questions:
                tg.start_soon(self.answer, question)  # expect: FAN101
        log.info("answered %d questions", len(self.answers))
        return self.answers
