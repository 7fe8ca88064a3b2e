#!/usr/bin/env python3
"""Run the research pipeline against a local fake LLM API.

    python3 run_demo.py [--quick] [--topics N] [--out DIR]
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep the demo tree free of __pycache__

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeapi import serve_in_background  # noqa: E402
from pipeline import LLMClient, Pipeline  # noqa: E402

logger = logging.getLogger("run_demo")

TOPICS = [
    "How do vector databases trade recall against query latency at scale?",
    "What limits throughput of speculative decoding in transformer inference?",
    "How do Raft and Paxos differ in leader election under network partitions?",
    "Which caching eviction policies work best for LLM prompt prefixes?",
    "How does request batching affect tail latency in model serving?",
    "What are practical strategies for sharding a write-heavy Postgres workload?",
    "How do CRDTs handle concurrent edits in collaborative text editors?",
    "What makes checkpoint recovery slow for large distributed training jobs?",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="faster API and fewer topics")
    parser.add_argument("--topics", type=int, default=None, help="number of questions to research")
    parser.add_argument("--out", type=Path, default=None, help="report directory (default: a temp dir)")
    parser.add_argument("--budget", type=float, default=120.0, help="overall time limit in seconds")
    return parser.parse_args(argv)


async def research(port: int, questions: list[str], out_dir: Path, budget: float) -> int:
    client = LLMClient("127.0.0.1", port)
    pipeline = Pipeline(client, out_dir)
    try:
        async with asyncio.timeout(budget):
            results = await pipeline.run_many(questions)
    except TimeoutError:
        logger.error("demo exceeded its %.0fs budget", budget)
        return 1
    for r in results:
        logger.info("%s: %d documents, %d notes, %.2fs", r.report.name, r.documents, r.notes, r.seconds)
    logger.info("client stats: %s", dict(client.stats))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    n_topics = args.topics or (3 if args.quick else 6)
    questions = [TOPICS[i % len(TOPICS)] for i in range(n_topics)]
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="fanout-demo-"))
    out_dir.mkdir(parents=True, exist_ok=True)

    server = serve_in_background(latency_scale=0.35 if args.quick else 1.0)
    started = time.perf_counter()
    try:
        rc = asyncio.run(research(server.server_address[1], questions, out_dir, args.budget))
    finally:
        server.shutdown()
        server.server_close()
    logger.info("Done in %.1fs; reports in %s (server: %s)",
                time.perf_counter() - started, out_dir, server.stats)
    return rc


if __name__ == "__main__":
    sys.exit(main())
