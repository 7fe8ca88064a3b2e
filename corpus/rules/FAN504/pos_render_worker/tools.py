"""Sync wrappers around command-line tools."""
import subprocess

CHROME = "chromium"


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def render_pdf(html_path: str, pdf_path: str) -> str:
    _run([CHROME, "--headless", "--disable-gpu", f"--print-to-pdf={pdf_path}", html_path])
    return pdf_path


def compress_pdf(pdf_path: str) -> str:
    out = pdf_path.replace(".pdf", ".min.pdf")
    _run(["gs", "-sDEVICE=pdfwrite", "-dPDFSETTINGS=/ebook", "-o", out, pdf_path])
    return out
