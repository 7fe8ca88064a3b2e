"""The same research tool on the async clients of each SDK."""
from exa_py import AsyncExa
from langchain_community.document_loaders import WebBaseLoader
from neo4j import AsyncGraphDatabase, GraphDatabase
from qdrant_client import AsyncQdrantClient
from tavily import AsyncTavilyClient

tavily = AsyncTavilyClient(api_key="tvly-key")
exa = AsyncExa("exa-key")
qdrant = AsyncQdrantClient(url="http://qdrant:6333")
graph = AsyncGraphDatabase.driver("bolt://neo4j:7687", auth=("neo4j", "secret"))
sync_graph = GraphDatabase.driver("bolt://neo4j:7687", auth=("neo4j", "secret"))


async def web_context(query: str) -> list[str]:
    hits = await tavily.search(query, max_results=5)
    similar = await exa.search_and_contents(query, num_results=3)
    return [h["content"] for h in hits["results"]] + [r.text for r in similar.results]


async def nearest(vector: list[float]) -> list[str]:
    points = await qdrant.search(collection_name="chunks", query_vector=vector, limit=8)
    return [p.payload["text"] for p in points]


async def related_entities(name: str) -> list[str]:
    async with graph.session() as session:
        result = await session.run("MATCH (e {name: $n})--(o) RETURN o.name", n=name)
        return [r["o.name"] async for r in result]


async def fetch_page(url: str) -> str:
    docs = await WebBaseLoader(url).aload()
    return "\n".join(d.page_content for d in docs)


def nightly_export() -> int:
    with sync_graph.session() as session:
        return session.run("MATCH (n) RETURN count(n)").single()[0]
