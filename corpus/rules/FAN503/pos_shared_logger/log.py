"""The project's logger: every message is appended to a file on the calling thread."""
import datetime


class FileLogger:
    def __init__(self, path: str):
        self.path = path

    def _write(self, level: str, message: str) -> None:
        stamp = datetime.datetime.now().isoformat()
        with open(self.path, "a", encoding="utf-8") as fh:  # expect: FAN503
            fh.write(f"{stamp} {level} {message}\n")

    def info(self, message: str) -> None:
        self._write("INFO", message)

    def error(self, message: str) -> None:
        self._write("ERROR", message)
