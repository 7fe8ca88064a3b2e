"""Archiver CLI: compression in sync code, reached from async code only via to_thread."""
import asyncio
import lzma
import sys
import zlib
from pathlib import Path


def compress_file(path: str) -> str:
    data = Path(path).read_bytes()
    out = path + ".xz"
    Path(out).write_bytes(lzma.compress(data, preset=9))
    return out


def pack_records(records: list[bytes]) -> bytes:
    return zlib.compress(b"\n".join(records), 9)


async def compress_in_background(paths: list[str]) -> list[str]:
    return [await asyncio.to_thread(compress_file, p) for p in paths]


def main(argv: list[str]) -> None:
    for path in argv:
        print(compress_file(path))
    print(len(pack_records([a.encode() for a in argv])))


if __name__ == "__main__":
    main(sys.argv[1:])
