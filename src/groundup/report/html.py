"""Markdown (the subset our reports use) to one self-contained HTML page.

Our reports are generated, so they use a small, known subset of Markdown: headings,
paragraphs, pipe tables, images, bullet lists, fenced code, and inline code, bold, italics
and links. Images are embedded as base64 data URIs so that the page opens offline, from
anywhere, with no server.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { border-bottom: 2px solid #ddd; padding-bottom: .3rem; }
h2 { border-bottom: 1px solid #eee; padding-bottom: .2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
th { background: #f4f4f4; }
tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; }
pre code { background: none; padding: 0; }
em { color: #555; }
"""

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def _inline(text: str, base: Path) -> str:
    parts = re.split(r"(`[^`]+`)", text)  # code spans are left alone
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part, quote=False)
        part = _IMAGE.sub(lambda m: _img(m.group(1), m.group(2), base), part)
        part = _LINK.sub(lambda m: f'<a href="{_href(m.group(2))}">{m.group(1)}</a>', part)
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        part = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", part)
        out.append(part)
    return "".join(out)


def _href(target: str) -> str:
    # links between reports point at Markdown files; in the HTML page they stay relative
    return html.escape(target, quote=True)


def _img(alt: str, src: str, base: Path | None) -> str:
    path = base / src if base else None
    if path and path.is_file() and path.suffix.lower() == ".png":
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        src = f"data:image/png;base64,{data}"
    return f'<img alt="{html.escape(alt, quote=True)}" src="{src}">'


def markdown_to_html(text: str, base: Path | None) -> str:
    """Convert our report Markdown to an HTML fragment; images under ``base`` are embedded."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append("<pre><code>" + html.escape("\n".join(lines[i + 1:j])) + "</code></pre>")
            i = j + 1
        elif m := re.match(r"(#{1,6})\s+(.*)", line):
            level = len(m.group(1))
            anchor = re.sub(r"[^a-z0-9]+", "-", m.group(2).lower()).strip("-")
            out.append(f'<h{level} id="{anchor}">{_inline(m.group(2), base)}</h{level}>')
            i += 1
        elif line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.append(_table(lines[i:j], base))
            i = j
        elif re.match(r"\s*[-*]\s+", line):
            items = []
            while i < len(lines) and re.match(r"\s*[-*]\s+", lines[i]):
                items.append("<li>" + _inline(re.sub(r"^\s*[-*]\s+", "", lines[i]), base) + "</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
        elif not line.strip():
            i += 1
        else:
            j = i
            while j < len(lines) and lines[j].strip() and not re.match(r"(#|\||```|\s*[-*]\s)", lines[j]):
                j += 1
            out.append("<p>" + _inline(" ".join(lines[i:j]), base) + "</p>")
            i = j
    return "\n".join(out)


def _table(rows: list[str], base: Path) -> str:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    head, body = cells[0], [r for r in cells[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r if c)]
    th = "".join(f"<th>{_inline(c, base)}</th>" for c in head)
    trs = "".join("<tr>" + "".join(f"<td>{_inline(c, base)}</td>" for c in r) + "</tr>" for r in body)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def page(title: str, body_markdown: str, base: Path) -> str:
    """A complete HTML document from Markdown whose image paths are relative to ``base``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{markdown_to_html(body_markdown, base)}\n</body>\n</html>\n")
