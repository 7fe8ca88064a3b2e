#!/usr/bin/env python3
"""Run the ingestion pipeline against a local fake embedding service and record its logs.

    /usr/bin/python3 run_demo.py [--out DIR] [--docs N] [--quiet-phases]

Writes DIR/app.log (plain text), DIR/app.jsonl (JSON lines) and DIR/rss.log
(`EPOCH_SECONDS KB` every 0.1 s); with --quiet-phases the pipeline's own loggers
are set to WARNING and the files are named app-libonly.* and rss-libonly.log.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep the demo tree free of __pycache__

import argparse
import asyncio
import json
import logging
import random
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fakeserver import FakeServer  # noqa: E402
from pipeline import Document, Pipeline  # noqa: E402

log = logging.getLogger("run_demo")
WORDS = ("vector index shard replica query latency batch token model cache "
         "document section table figure summary result method baseline").split()


class JSONLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, timezone.utc)
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        return json.dumps({"time": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
                           "level": record.levelname, "logger": record.name, "message": message})


def setup_logging(out: Path, stem: str, quiet_phases: bool) -> None:
    plain = logging.FileHandler(out / f"{stem}.log", mode="w", encoding="utf-8")
    plain.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    jsonl = logging.FileHandler(out / f"{stem}.jsonl", mode="w", encoding="utf-8")
    jsonl.setFormatter(JSONLines())
    logging.basicConfig(level=logging.INFO, handlers=[plain, jsonl])
    logging.getLogger("httpx._client").setLevel(logging.DEBUG)  # one line per request
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    if quiet_phases:
        logging.getLogger("pipeline").setLevel(logging.WARNING)


def sample_rss(path: Path, stop: threading.Event) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        while not stop.is_set():
            with open("/proc/self/status", encoding="ascii") as status:
                kb = next(int(ln.split()[1]) for ln in status if ln.startswith("VmRSS:"))
            fh.write(f"{time.time():.3f} {kb}\n")
            fh.flush()
            stop.wait(0.1)


def make_docs(n: int, seed: int = 3) -> list[Document]:
    rng = random.Random(seed)
    return [Document(f"doc-{i:04d}", " ".join(rng.choice(WORDS) for _ in range(rng.randint(450, 650))))
            for i in range(n)]


async def ingest(base_url: str, docs: list[Document]) -> int:
    pipeline = Pipeline(base_url)
    try:
        return await pipeline.run(docs)
    finally:
        await pipeline.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "run", help="output directory (default: run/)")
    parser.add_argument("--docs", type=int, default=120, help="number of documents to ingest")
    parser.add_argument("--stall", type=float, default=8.0, help="seconds the slow embed request is held")
    parser.add_argument("--quiet-phases", action="store_true", help="pipeline loggers at WARNING")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "-libonly" if args.quiet_phases else ""
    setup_logging(args.out, "app" + suffix, args.quiet_phases)

    stop = threading.Event()
    sampler = threading.Thread(target=sample_rss, args=(args.out / f"rss{suffix}.log", stop), daemon=True)
    sampler.start()
    server = FakeServer(stall_id="doc-0077#3", stall_s=args.stall)
    started = time.perf_counter()
    try:
        written = asyncio.run(ingest(server.start(), make_docs(args.docs)))
    finally:
        server.stop()
        stop.set()
        sampler.join()
    counters = dict(server.counters, stall_id=server.stall_id, stall_s=server.stall_s)
    log.info("done in %.1fs: %d vectors indexed; fake server counters: %s",
             time.perf_counter() - started, written, counters)
    print(json.dumps(counters))
    return 0


if __name__ == "__main__":
    sys.exit(main())
