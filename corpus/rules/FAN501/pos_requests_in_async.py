"""Link checker written as async code but calling requests directly."""
import asyncio
import urllib.request

import requests

USER_AGENT = "linkcheck/1.4 (+https://example.com/bot)"


async def check_link(url: str) -> int:
    resp = requests.head(url, allow_redirects=True, timeout=10)  # expect: FAN501
    return resp.status_code


async def report_broken(webhook: str, broken: list[str]) -> None:
    requests.post(webhook, json={"text": f"{len(broken)} broken links", "links": broken}, timeout=10)  # expect: FAN501


async def fetch_sitemap(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as resp:  # expect: FAN501
        return resp.read()


async def check_all(urls: list[str]) -> dict[str, int]:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    results = {}
    for url in urls:
        results[url] = session.get(url, timeout=10).status_code  # expect: FAN501
        await asyncio.sleep(0)
    return results


class PageScraper:
    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    async def page(self, url: str) -> str:
        resp = self.session.get(url, timeout=15)  # expect: FAN501
        resp.raise_for_status()
        return resp.text
