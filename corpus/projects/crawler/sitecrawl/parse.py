"""HTML parsing: title, robots meta and outgoing links."""
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

SKIP_SCHEMES = ("mailto:", "javascript:", "tel:", "data:")


@dataclass
class ParsedPage:
    title: str = ""
    links: list[str] = field(default_factory=list)
    noindex: bool = False


class _Extractor(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.result = ParsedPage()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and (href := values.get("href")):
            if not href.startswith(SKIP_SCHEMES):
                self.result.links.append(urldefrag(urljoin(self.base_url, href)).url)
        elif tag == "base" and values.get("href"):
            self.base_url = urljoin(self.base_url, values["href"])
        elif tag == "meta" and (values.get("name") or "").lower() == "robots":
            self.result.noindex = "noindex" in (values.get("content") or "").lower()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.result.title += data


def parse_html(body: bytes, base_url: str, encoding: str = "utf-8") -> ParsedPage:
    extractor = _Extractor(base_url)
    extractor.feed(body.decode(encoding, errors="replace"))
    extractor.close()
    page = extractor.result
    page.title = " ".join(page.title.split())
    page.links = list(dict.fromkeys(page.links))
    return page
