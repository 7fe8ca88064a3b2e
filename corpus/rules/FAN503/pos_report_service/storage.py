"""Sync storage helpers that write reports to local disk."""
import json
import os

REPORT_DIR = os.environ.get("REPORT_DIR", "reports")


def _write_json(path: str, payload: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, sort_keys=True)


def save_report(report: dict) -> str:
    path = os.path.join(REPORT_DIR, f"{report['id']}.json")
    _write_json(path, report)
    return path


def read_report(report_id: str) -> dict:
    with open(os.path.join(REPORT_DIR, f"{report_id}.json"), encoding="utf-8") as fh:
        return json.load(fh)
