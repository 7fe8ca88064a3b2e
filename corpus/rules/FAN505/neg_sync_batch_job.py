"""Nightly batch job: sync SDK clients in plain functions run from cron."""
import json
import sys

import boto3
from openai import OpenAI

client = OpenAI(timeout=120.0)
s3 = boto3.client("s3")


def classify(record: dict) -> str:
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Category for: {record['title']}"}],
    )
    return completion.choices[0].message.content or "unknown"


def run(bucket: str, key: str) -> int:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    records = [json.loads(line) for line in body.splitlines()]
    labelled = [{**r, "category": classify(r)} for r in records]
    s3.put_object(Bucket=bucket, Key=key.replace(".jsonl", ".labelled.jsonl"),
                  Body="\n".join(json.dumps(r) for r in labelled).encode())
    return len(labelled)


if __name__ == "__main__":
    print(run(sys.argv[1], sys.argv[2]))
