"""Checks every built site must pass: HTML5 parses without errors, every internal link and
anchor resolves, nothing points off the site (no network at view time)."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@dataclass
class Page:
    path: str  # site-relative
    root: ET.Element
    errors: list[str]
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (element, url)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def parse_page(site: Path, relative: str) -> Page:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parse((site / relative).read_bytes())
    errors = [f"{pos}: {code} {data}" for pos, code, data in parser.errors]
    page = Page(relative, root, errors)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el.tag)
        if "id" in el.attrib:
            page.ids.add(el.attrib["id"])
        for attr in ("href", f"{XLINK}href", "src", "action"):
            if attr in el.attrib and not (name == "a" and el.attrib[attr] == ""):
                page.links.append((name, el.attrib[attr]))
    return page


def parse_site(site: Path, pages: Iterable[str] | None = None) -> dict[str, Page]:
    names = (
        list(pages)
        if pages is not None
        else sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    )
    return {name: parse_page(site, name) for name in names}


def broken_links(site: Path, parsed: dict[str, Page]) -> list[str]:
    """Every link of the parsed pages: target file exists in the site, anchor exists in it."""
    problems = []
    cache: dict[str, Page] = dict(parsed)
    for page in parsed.values():
        for element, url in page.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                problems.append(f"{page.path}: {element} leaves the site: {url}")
                continue
            target = page.path
            if parts.path:
                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(page.path), unquote(parts.path))
                )
            if target.startswith("../") or not (site / target).is_file():
                problems.append(f"{page.path}: {element} → missing {url}")
                continue
            if parts.fragment and target.endswith(".html"):
                if target not in cache:
                    cache[target] = parse_page(site, target)
                if unquote(parts.fragment) not in cache[target].ids:
                    problems.append(f"{page.path}: {element} → no #{parts.fragment} in {target}")
    return problems


def text_of(page: Page, element_id: str) -> str:
    for el in page.root.iter():
        if isinstance(el.tag, str) and el.attrib.get("id") == element_id:
            return " ".join("".join(el.itertext()).split())
    raise AssertionError(f"{page.path}: no element #{element_id}")


def all_text(page: Page) -> str:
    return " ".join("".join(page.root.itertext()).split())


def find_all(page: Page, tag: str) -> list[ET.Element]:
    return [el for el in page.root.iter() if isinstance(el.tag, str) and _local(el.tag) == tag]
