"""A function that takes a path or the bytes: `if file_path:` opens the file,
but every call in the project passes the bytes, so that branch never runs. A
branch some caller does take is reported."""
import httpx

client = httpx.AsyncClient(timeout=60.0)


async def upload(file_path: str | None = None, file_content: bytes | None = None) -> str:
    if file_path:
        with open(file_path, "rb") as fh:
            file_content = fh.read()
    resp = await client.post("https://ocr.example.com/files", content=file_content)
    return resp.json()["id"]


async def ocr_pages(pages: list[bytes]) -> list[str]:
    return [await upload(file_content=page) for page in pages]


async def export(report: str, copy_to: str | None = None) -> None:
    if copy_to is not None:  # no caller asks for a copy
        with open(copy_to, "w", encoding="utf-8") as fh:
            fh.write(report)


async def save(report: str, output_path: str | None = None) -> None:
    if output_path is not None:
        with open(output_path, "w", encoding="utf-8") as fh:  # expect: FAN503
            fh.write(report)


async def run(report: str) -> None:
    await export(report)
    await export(report, copy_to=None)
    await save(report)
    await save(report, output_path="report.txt")
