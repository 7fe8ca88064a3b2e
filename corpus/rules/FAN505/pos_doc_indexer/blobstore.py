"""Sync helpers over boto3 and the sync OpenAI client."""
import boto3
from openai import OpenAI

_s3 = boto3.client("s3")
_embedder = OpenAI()

BUCKET = "doc-index"


def upload_blob(key: str, data: bytes) -> str:
    _s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    return f"s3://{BUCKET}/{key}"


def embed_texts(texts: list[str]) -> list[list[float]]:
    result = _embedder.embeddings.create(model="text-embedding-3-small", input=texts)
    return [item.embedding for item in result.data]
