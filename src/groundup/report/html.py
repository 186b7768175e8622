"""Markdown (the subset our reports use) to one self-contained HTML page.

Our reports are generated, so they use a small, known subset of Markdown: headings,
paragraphs, pipe tables, images, bullet lists, fenced code, and inline code, bold, italics
and links. Images are embedded as base64 data URIs so that the page opens offline, from
anywhere, with no server; it has a table of contents and a unique id for every heading (the
same "Analysis" appears under every experiment). A link to a Markdown report whose text the
page embeds becomes an in-page link to it; a link to any other file is marked as a file of the
run folder, since a page sent alone does not carry it.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from groundup.i18n import current, t

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Source Han Sans SC",
       "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 1100px;
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
nav.toc { background: #f8f8f8; border: 1px solid #e4e4e4; padding: .3rem 1rem; margin: .8rem 0; line-height: 1.35; }
nav.toc ul { margin: .2rem 0; padding-left: 1.2rem; columns: 2; column-gap: 2rem; font-size: .92rem; }
"""
FILE_NOTE = 'a.file::after {{ content: " {note}"; color: #777; font-size: .85em; }}\n'


_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_HEADING = re.compile(r"(#{1,6})\s+(.*)")
TOC_LEVEL = 2  # the headings listed in the table of contents: one line each
LANG_TAGS = {"en": "en", "zh": "zh-CN"}  # the html lang attribute: lets the browser pick CJK fonts
TOC_MIN = 3  # pages with fewer level-2 headings get no table of contents


def slug(text: str) -> str:
    """A heading's text as an id: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


class Headings:
    """The headings of a page, each with a unique id; and the in-page target of a file link.

    A level-2 heading that names something in code (``## Title (`name`, ...)``) gets that name
    as its id, so that ``#name`` links reach it; deeper headings are prefixed with the id of
    the level-2 heading above them, and any id already taken gets a number.
    """

    def __init__(self, lines: list[str]):
        self.entries: list[tuple[int, str, str]] = []  # (level, markdown text, id)
        taken: set[str] = set()
        section = ""
        for level, text in _scan_headings(lines):
            code = re.search(r"`([^`]+)`", text)
            if level <= 2 and code and slug(code.group(1)) not in taken:
                base = slug(code.group(1))
            else:
                base = slug(f"{section}-{_plain(text)}" if level > 2 and section else _plain(text))
            anchor, n = base, 1
            while anchor in taken:
                n += 1
                anchor = f"{base}-{n}"
            taken.add(anchor)
            if level <= 2:
                section = anchor
            self.entries.append((level, text, anchor))
        self._next = iter(self.entries)
        self._by_text = {}
        for _, text, anchor in self.entries:
            self._by_text.setdefault(text, anchor)

    def next_id(self) -> str:
        return next(self._next)[2]

    def embedded(self, path: Path) -> str | None:
        """The id of the heading where the page embeds the Markdown file ``path``, if it does."""
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        first = next(iter(_scan_headings(lines)), None)
        return self._by_text.get(first[1]) if first else None

    def toc(self) -> str:
        listed = [(text, a) for level, text, a in self.entries if level == TOC_LEVEL]
        if len(listed) < TOC_MIN:
            return ""
        items = "".join(f'<li><a href="#{anchor}">{html.escape(_plain(text))}</a></li>' for text, anchor in listed)
        return f'<nav class="toc"><strong>{t("html.contents")}</strong><ul>{items}</ul></nav>'


def _scan_headings(lines: list[str]):
    """(level, text) of every heading outside fenced code."""
    fenced = False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            yield len(m.group(1)), m.group(2).strip()


def _plain(text: str) -> str:
    return re.sub(r"[`*]", "", text)


def _inline(text: str, base: Path | None, headings: Headings | None) -> str:
    parts = re.split(r"(`[^`]+`)", text)  # code spans are left alone
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part, quote=False)
        part = _IMAGE.sub(lambda m: _img(m.group(1), m.group(2), base), part)
        part = _LINK.sub(lambda m: _link(m.group(1), html.unescape(m.group(2)), base, headings), part)
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        # emphasis: not inside a word of Latin letters or digits (x*y), but beside Chinese text,
        # which has no spaces around words (返回的*批量平均值*，...)
        part = re.sub(r"(?<![A-Za-z0-9_*])\*(?!\s)(.+?)(?<!\s)\*(?![A-Za-z0-9_*])", r"<em>\1</em>", part)
        out.append(part)
    return "".join(out)


def _link(label: str, target: str, base: Path | None, headings: Headings | None) -> str:
    """An in-page link for a report the page embeds; other relative links marked as files."""
    if re.match(r"[a-z][a-z0-9+.-]*:|#", target) or base is None:
        return f'<a href="{html.escape(target, quote=True)}">{label}</a>'
    anchor = headings.embedded(base / target) if headings and target.endswith(".md") else None
    if anchor:
        return f'<a href="#{anchor}">{label}</a>'
    return (f'<a class="file" href="{html.escape(target, quote=True)}" '
            f'title="{html.escape(t("html.file_title", target=target), quote=True)}">{label}</a>')


def _img(alt: str, src: str, base: Path | None) -> str:
    path = base / src if base else None
    if path and path.is_file() and path.suffix.lower() == ".png":
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        src = f"data:image/png;base64,{data}"
    return f'<img alt="{html.escape(alt, quote=True)}" src="{src}">'


def markdown_to_html(text: str, base: Path | None, headings: Headings | None = None) -> str:
    """Convert our report Markdown to an HTML fragment; images under ``base`` are embedded."""
    lines = text.splitlines()
    headings = headings or Headings(lines)
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
        elif m := _HEADING.match(line):
            level = len(m.group(1))
            out.append(f'<h{level} id="{headings.next_id()}">{_inline(m.group(2).strip(), base, headings)}</h{level}>')
            i += 1
        elif line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.append(_table(lines[i:j], base, headings))
            i = j
        elif re.match(r"\s*[-*]\s+", line):
            items = []
            while i < len(lines) and re.match(r"\s*[-*]\s+", lines[i]):
                items.append("<li>" + _inline(re.sub(r"^\s*[-*]\s+", "", lines[i]), base, headings) + "</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
        elif not line.strip():
            i += 1
        else:
            j = i
            while j < len(lines) and lines[j].strip() and not re.match(r"(#|\||```|\s*[-*]\s)", lines[j]):
                j += 1
            out.append("<p>" + _inline(" ".join(lines[i:j]), base, headings) + "</p>")
            i = j
    return "\n".join(out)


def _table(rows: list[str], base: Path | None, headings: Headings | None) -> str:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    head, body = cells[0], [r for r in cells[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r if c)]
    th = "".join(f"<th>{_inline(c, base, headings)}</th>" for c in head)
    trs = "".join("<tr>" + "".join(f"<td>{_inline(c, base, headings)}</td>" for c in r) + "</tr>" for r in body)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def page(title: str, body_markdown: str, base: Path) -> str:
    """A complete HTML document from Markdown whose image paths are relative to ``base``, with a
    table of contents after the first heading when it has enough sections."""
    headings = Headings(body_markdown.splitlines())
    body = markdown_to_html(body_markdown, base, headings)
    toc = headings.toc()
    if toc:
        first = body.find("</h1>")
        body = body[:first + 5] + "\n" + toc + body[first + 5:] if first >= 0 else toc + "\n" + body
    style = STYLE + FILE_NOTE.format(note=t("html.file_note"))
    return (f"<!DOCTYPE html>\n<html lang=\"{LANG_TAGS[current()]}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")
