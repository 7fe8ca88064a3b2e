"""Doc fixer: a LangChain chat model passed in; Runnable.ainvoke has no default timeout."""
import asyncio


async def fix_doc(chain, doc: str) -> str:
    reply = await chain.ainvoke({"text": doc})
    return reply.content


async def fix_docs(chain, docs: list[str]) -> list[str]:
    return await asyncio.gather(*[fix_doc(chain, d) for d in docs])  # expect: FAN301
