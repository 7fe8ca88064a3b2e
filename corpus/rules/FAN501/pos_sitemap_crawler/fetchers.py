"""Sync HTTP helpers (blocking: requests under the hood)."""
import xml.etree.ElementTree as ET

import requests

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _get(url: str) -> str:
    resp = requests.get(url, timeout=30, headers={"User-Agent": "sitemap-bot/2.0"})
    resp.raise_for_status()
    return resp.text


def download_sitemap(url: str) -> list[str]:
    root = ET.fromstring(_get(url))
    return [loc.text for loc in root.iterfind(".//sm:loc", NS) if loc.text]


def fetch_robots(host: str) -> str:
    return _get(f"https://{host}/robots.txt")
