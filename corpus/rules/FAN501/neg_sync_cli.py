"""Command-line exporter: sync code that is never called from a coroutine."""
import argparse
import json
import sys

import requests

EXPORT_URL = "https://export.example.com/api/records"


def fetch_page(session: requests.Session, cursor: str | None) -> dict:
    resp = session.get(EXPORT_URL, params={"cursor": cursor} if cursor else None, timeout=30)
    resp.raise_for_status()
    return resp.json()


def export_all(token: str) -> list[dict]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    records, cursor = [], None
    while True:
        page = fetch_page(session, cursor)
        records.extend(page["records"])
        cursor = page.get("next")
        if not cursor:
            return records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    json.dump(export_all(args.token), sys.stdout)


if __name__ == "__main__":
    main()
