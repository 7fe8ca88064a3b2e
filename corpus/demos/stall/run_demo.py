#!/usr/bin/env python3
"""Run the worker pool under asyncio's debug mode, which logs every task step
that holds the event loop longer than 0.1 s.

    /usr/bin/python3 run_demo.py [--out DIR]
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep the demo tree free of __pycache__

import argparse
import asyncio
import logging
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline.work import Worker  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "run")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=args.out / "app.log", filemode="w", level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(Worker().run_all(list(range(6))), debug=True)


if __name__ == "__main__":
    main()
