"""CLI: python run.py "How do vector databases handle deletes?" --out-dir reports/"""
import argparse
import asyncio
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from agent import ResearchAgent

log = logging.getLogger("research_agent")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "report"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write a sourced research report.")
    parser.add_argument("question")
    parser.add_argument("--out-dir", default="reports")
    parser.add_argument("--pdf", action="store_true", help="also render a PDF with pandoc")
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    agent = ResearchAgent(os.environ["BRAVE_API_KEY"])
    try:
        report = await agent.run(args.question)
    finally:
        await agent.aclose()
    out = Path(args.out_dir) / f"{slugify(args.question)}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    log.info("wrote %s", out)
    if args.pdf:
        subprocess.run(["pandoc", str(out), "-o", str(out.with_suffix(".pdf"))], check=True)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main()))
