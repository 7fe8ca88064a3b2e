"""Research tool: web search, vector lookup and graph facts from sync SDK clients."""
from exa_py import Exa
from langchain_community.document_loaders import WebBaseLoader
from neo4j import GraphDatabase
from qdrant_client import QdrantClient
from tavily import TavilyClient

tavily = TavilyClient(api_key="tvly-key")
exa = Exa("exa-key")
qdrant = QdrantClient(url="http://qdrant:6333")
graph = GraphDatabase.driver("bolt://neo4j:7687", auth=("neo4j", "secret"))


async def web_context(query: str) -> list[str]:
    hits = tavily.search(query, max_results=5)  # expect: FAN505
    similar = exa.search_and_contents(query, num_results=3)  # expect: FAN505
    return [h["content"] for h in hits["results"]] + [r.text for r in similar.results]


async def nearest(vector: list[float]) -> list[str]:
    points = qdrant.search(collection_name="chunks", query_vector=vector, limit=8)  # expect: FAN505
    return [p.payload["text"] for p in points]


async def related_entities(name: str) -> list[str]:
    with graph.session() as session:
        result = session.run("MATCH (e {name: $n})--(o) RETURN o.name", n=name)  # expect: FAN505
        return [r["o.name"] for r in result]


async def fetch_page(url: str) -> str:
    docs = WebBaseLoader(url).load()  # expect: FAN505
    loader = WebBaseLoader(url)
    more = loader.load()  # expect: FAN505
    return "\n".join(d.page_content for d in docs + more)


async def nearest_then_close(vector: list[float]) -> int:
    store = QdrantClient(url="http://qdrant:6333")
    hits = store.search(collection_name="chunks", query_vector=vector, limit=3)  # expect: FAN505
    store.close()
    return len(hits)
