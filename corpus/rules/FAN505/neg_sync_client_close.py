"""Shutdown hooks of an async store: closing a sync client releases its sockets, no request."""
import boto3
from opensearchpy import OpenSearch
from qdrant_client import QdrantClient


class Blobs:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket
        self.s3 = boto3.client("s3")
        self.index = OpenSearch(hosts=[{"host": "search", "port": 9200}])

    async def aclose(self) -> None:
        self.s3.close()
        self.index.close()
        self.index.transport.close()


class Vectors:
    def __init__(self, url: str) -> None:
        self.store = QdrantClient(url=url)

    async def shutdown(self) -> None:
        self.store.close()
