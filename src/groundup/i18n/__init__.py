"""What groundup says, in English or Chinese: one catalogue of sentences per language, by key.

The language is chosen once, where a command or an API call begins: ``choose(lang)`` takes
``--lang`` / ``lang=`` if given, else ``$GROUNDUP_LANG``, else the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG`` beginning with ``zh``), else English; ``with language(...)`` holds it
for the block, and every writer asks ``t(key, **fields)`` for its text. Numbers, file names
and JSON keys are fields, formatted by the template's own format spec, so they read the same
in every language. Text drawn in a figure comes from ``ft``: the report's language when a font
can draw it, else English (``font_note`` says so, once, on the terminal and in the report).

Lines the lower layers write in English (a check's message, an error, a model's description)
are said again at the moment they are shown: ``relay`` matches the whole line against the
English templates of a family (``msg.``, ``err.``, ``desc.``) and fills the same key's template
in the current language with the fields, each relayed in turn; ``name`` translates a name the
code defines (a check's name, a class name) from ``CODE``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import string
from contextvars import ContextVar
from pathlib import Path

from groundup.errors import check_choice
from groundup.i18n.en import EN
from groundup.i18n.zh import CODE as ZH_CODE, ZH

LANGS = ("en", "zh")
CATALOGUES = {"en": EN, "zh": ZH}
# Names and phrases the code writes in English (an exercise's checks, what a check compares),
# each translated whole; what is not here is shown as written (mostly code identifiers).
CODE = {"en": {}, "zh": ZH_CODE}
NEEDS_CJK = {"zh"}
# Fonts that draw Chinese, best first: Debian's fonts-noto-cjk, then common desktop fonts.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
             "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Arial Unicode MS")

CJK_FILES = ("cjk", "sourcehansans", "wqy", "msyh", "simhei", "pingfang", "notosanssc", "unicode")

_LANG: ContextVar[str] = ContextVar("groundup_lang", default="en")


def current() -> str:
    """The language the report is written in now."""
    return _LANG.get()


def choose(lang: str | None = None) -> str:
    """The language a command or an API call speaks: ``lang`` when given (``--lang``,
    ``lang=``), else ``$GROUNDUP_LANG``, else the locale (the first of ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG`` that is set, as POSIX reads them: ``zh_CN.UTF-8`` is Chinese),
    else English. A bad ``lang`` or ``$GROUNDUP_LANG`` is the one-line ConfigError."""
    if lang is not None:
        check_choice("lang", lang, LANGS)
        return lang
    if env := os.environ.get("GROUNDUP_LANG", "").strip():
        check_choice("GROUNDUP_LANG", env, LANGS)
        return env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(var, "").strip():
            return next((code for code in LANGS if code != "en" and value.lower().startswith(code)), "en")
    return "en"


def name(text: str) -> str:
    """A name or phrase the code writes in English, in the current language where ``CODE``
    has it (a check's name, what a check compares), else as written."""
    return CODE[current()].get(text, text)


# The templates a line of each kind may match: a check's message may quote an error of the code
# below it (``the in-use run diverged: the loss became non-finite ...``).
RELAYED = {"msg.": ("msg.", "err."), "err.": ("err.",), "desc.": ("desc.",)}


@functools.lru_cache(maxsize=None)
def _patterns(prefix: str) -> list[tuple[str, re.Pattern]]:
    """The English templates of the keys ``prefix`` relays (``RELAYED``) as regular expressions,
    one group per field: the most specific first (the most fixed text), the general forms
    (``z_``) last."""
    found = []
    for key, template in EN.items():
        if not key.startswith(RELAYED.get(prefix, (prefix,))):
            continue
        parts = []
        for literal, field, _, _ in string.Formatter().parse(template):
            parts.append(re.escape(literal))
            if field:
                parts.append(f"(?P<{field}>.+?)" if f"(?P<{field}>" not in "".join(parts) else f"(?P={field})")
        literal = sum(len(lit) for lit, *_ in string.Formatter().parse(template))
        general = key.split(".", 1)[1].startswith("z_")
        found.append(((general, 0 if general else -literal), key, re.compile("".join(parts), re.DOTALL)))
    found.sort(key=lambda f: f[0])
    return [(key, pattern) for _, key, pattern in found]


def relay(text: str, prefix: str = "msg.") -> str:
    """A line the code wrote in English (``en``'s ``prefix`` templates), said again in the
    current language: the template that matches the whole line is filled with its fields, each
    relayed in turn (``softmax(z): expected shape (6, 4) [...], got ...``); a line no template
    matches is a name (``name``) or stays as written."""
    if current() == "en" or not text:
        return text
    if text in CODE[current()]:
        return CODE[current()][text]
    for key, pattern in _patterns(prefix):
        if m := pattern.fullmatch(text):
            return CATALOGUES[current()][key].format(**{k: relay(v, prefix) for k, v in m.groupdict().items()})
    return name(text)


@contextlib.contextmanager
def language(lang: str | None):
    """Write everything inside the block in ``lang`` (None: leave the language as it is)."""
    if lang is None:
        yield
        return
    check_choice("lang", lang, LANGS)
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def t(key: str, lang: str | None = None, **fields) -> str:
    """The sentence ``key`` in the report's language, its ``{fields}`` filled in. A sentence that
    counts ``n`` things may have a form for one of them, ``KEY.one``, used when ``n`` is 1."""
    catalogue = CATALOGUES[lang or current()]
    if fields.get("n") == 1 and key + ".one" in catalogue:
        key += ".one"
    return catalogue[key].format(**fields)


def silent(*args, **kwargs) -> None:
    """A ``say`` that prints nothing: a quiet run's, or a lab's for the runs it starts."""


def printer(quiet: bool):
    """The ``say`` a command hands to the runs it starts: ``print``, or ``silent`` when quiet."""
    return silent if quiet else print


def described(text: str) -> str:
    """What the code says a model or a data set is (``2-1 (sigmoid output)``, ``MNIST
    normalised as ...``), in the current language."""
    return relay(text, "desc.")


def class_names(classes, figure: bool = False) -> list[str]:
    """A data set's class names in the current language (Fashion-MNIST's as the Chinese course
    names them), or in the figures' (``figure``: English where no font draws the language)."""
    lang = figure_lang() if figure else current()
    return [CODE[lang].get(str(c), str(c)) for c in classes]


def experiment_title(exp) -> str:
    """An experiment's title in the report's language: its own (English) ``title`` unless the
    catalogue has ``title.<name>``."""
    return CATALOGUES[current()].get("title." + exp.name, exp.title)


@functools.lru_cache(maxsize=None)
def find_cjk_font() -> str | None:
    """The name of an installed font that draws Chinese, from matplotlib's font list, or None."""
    from matplotlib import font_manager

    def known() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    if found := known():
        return found
    # matplotlib's font cache may predate the font's installation: add the system's CJK font
    # files to its list (this adds fonts to choose from; it changes no setting).
    for path in font_manager.findSystemFonts():
        if any(part in Path(path).name.lower() for part in CJK_FILES):
            with contextlib.suppress(Exception):  # a damaged font file is one font fewer
                font_manager.fontManager.addfont(path)
    return known()


def figure_lang() -> str:
    """The language of the text in figures: the report's, unless no installed font draws it."""
    lang = current()
    return lang if lang not in NEEDS_CJK or find_cjk_font() else "en"


def ft(key: str, **fields) -> str:
    """The text ``key`` for a figure (in ``figure_lang``)."""
    return t(key, figure_lang(), **fields)


def figure_rc() -> dict:
    """rcParams for drawing a figure in ``figure_lang``: the CJK font first, DejaVu Sans for
    any glyph it lacks; nothing for English."""
    if figure_lang() not in NEEDS_CJK:
        return {}
    # Named fonts, not the generic "sans-serif": a text keeps its family names and resolves them
    # when the figure is saved, after this context has restored the user's rcParams.
    return {"font.family": [find_cjk_font(), "DejaVu Sans"]}


def font_note() -> str | None:
    """One line if the figures fall back to English because no font draws the report's language."""
    return t("font.missing") if figure_lang() != current() else None
