"""Page thumbnails for uploaded PDFs, rendered inside the upload handler."""
import os

import pdf2image
from pdf2image import convert_from_bytes


async def thumbnails(path: str) -> list:
    info = pdf2image.pdfinfo_from_path(path)  # expect: FAN504
    pages = min(info["Pages"], 5)
    return pdf2image.convert_from_path(path, dpi=72, last_page=pages)  # expect: FAN504


async def thumbnails_from_upload(data: bytes) -> list:
    return convert_from_bytes(data, dpi=72, last_page=1)  # expect: FAN504


async def reindex(directory: str) -> int:
    pid = os.posix_spawn("/usr/bin/updatedb", ["updatedb", directory], os.environ)  # expect: FAN504
    _, status = os.waitpid(pid, 0)  # expect: FAN504
    return status
