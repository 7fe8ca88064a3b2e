"""A gather whose results nobody keeps: each task writes its output onto its own
object, which lives anyway, and the list gather builds is dropped at once."""
import asyncio

import httpx


class Node:
    def __init__(self, name: str):
        self.name = name
        self.embedding: list[float] | None = None


async def embed_node(client: httpx.AsyncClient, node: Node) -> list[float]:
    resp = await client.post("https://embed.example.com/v1", json={"input": node.name})
    node.embedding = resp.json()["embedding"]
    return node.embedding


async def embed_all(client: httpx.AsyncClient, nodes: list[Node]) -> None:
    await asyncio.gather(*[embed_node(client, node) for node in nodes])


async def embed_and_keep(client: httpx.AsyncClient, nodes: list[Node]) -> list[list[float]]:
    return await asyncio.gather(*[embed_node(client, node) for node in nodes])  # expect: FAN201
