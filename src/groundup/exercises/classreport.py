"""The class report: class.md and class.html beside grades.csv, built from grades.csv's rows.

What a teacher reads after ``groundup grade``: the score distribution (a figure), the pass
rate of every check, every named mistake with how many submissions made it and which, the
submissions that did not load, timed out, crashed or were refused (a forbidden import), the
files of the folder that were not graded and why, and the grading time. The report is built
from the rows alone, so ``grade --report-only`` rebuilds it from an existing grades.csv.
class.html is one self-contained page (the figure is a data: URI): it opens from a mail
attachment. Both are written in the language of the command (``groundup.i18n``).
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from groundup.exercises.checking import LOADS
from groundup.exercises.grading import SUFFIXES, submission_files
from groundup.exercises.regrade import split
from groundup.i18n import ft, t
from groundup.store.runs import atomic_write_bytes, atomic_write_text

FIGURE = "class_scores.png"
IGNORED = ("__pycache__",)  # never handed in by a learner; dot-files are ignored too


# ------------------------------------------------------------------------ what was not graded

def not_graded(folder: Path, graded: dict[str, Path], file_name: str) -> list[tuple[str, str]]:
    """(entry name, why) for every file or folder in ``folder`` that is not one of the graded
    submissions (``graded``: name -> the file checked); dot-files and __pycache__ are left out."""
    used = set()
    for path in graded.values():
        used.add(path.parent.name if path.parent.resolve() != folder.resolve() else path.name)
    out = []
    for entry in sorted(folder.iterdir()):
        if entry.name in used or entry.name.startswith(".") or entry.name in IGNORED:
            continue
        name = entry.stem if entry.is_file() else entry.name
        could_be = submission_files(entry, file_name) is not None if entry.is_dir() else entry.suffix in SUFFIXES
        if name in graded and could_be:
            why = t("class.skip_same_name", name=name)
        elif entry.is_dir():
            why = t("class.skip_no_file", file=file_name)
        else:
            why = t("class.skip_not_py", suffix=entry.suffix or t("class.no_suffix"))
        out.append((entry.name, why))
    return out


# ----------------------------------------------------------------------------------- rows

PROBLEMS = ("refused", "timeout", "crashed", "not_loaded")  # the kinds (checking.KINDS) listed as problems


def problem(row: dict) -> str | None:
    """Why a submission could not be checked as written, from the row's ``error_kind``: refused
    (a forbidden import), timeout, crashed (out of memory, the process lost, the grading worker
    failed), not_loaded (any other load failure), or None."""
    if not row.get("error"):
        return None
    kind = row.get("error_kind") or problem_from_text(row)
    return kind if kind in PROBLEMS else None


def problem_from_text(row: dict) -> str | None:
    """The kind of a row written before grades.csv had ``error_kind`` (or carried over from such a
    file into a newer one), read off its error message as those versions of groundup did."""
    error = row.get("error", "")
    loaded = LOADS not in split(row.get("failed_checks"))
    if "time limit" in error:
        return "timeout"
    if not loaded and " imports " in error and ("by hand" in error or "reference solution" in error):
        return "refused"
    if "the submission's process" in error or "out of memory" in error or "worker failed" in error:
        return "crashed"
    return None if loaded else "not_loaded"


def checks_of(row: dict, order: list[str]) -> tuple[list[str], list[str]]:
    """(passed, failed) check names of a row; a row without ``passed_checks`` (an older
    grades.csv) passed every check of ``order`` that did not fail."""
    failed = split(row.get("failed_checks"))
    if "passed_checks" in row:
        return split(row.get("passed_checks")), failed
    return [c for c in order if c not in failed], failed


def check_order(rows: list[dict]) -> list[str]:
    """The checks in the exercise's order ("file loads" first), then any others as they appear."""
    from groundup.errors import ConfigError
    from groundup.exercises.catalogue import get

    order = [LOADS]
    exercises = {r.get("exercise") for r in rows}
    if len(exercises) == 1:
        try:
            order += [c.name for c in get(exercises.pop()).checks]
        except ConfigError:
            pass
    for r in rows:
        for name in split(r.get("passed_checks")) + split(r.get("failed_checks")):
            if name not in order:
                order.append(name)
    return order


def _num(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def _cell(text: str) -> str:
    """A message in a Markdown table cell: one line, no pipe or backtick, as code."""
    text = " ".join(str(text).split()).replace("|", "/").replace("`", "'")
    return f"`{text[:160]}`" if text else "–"


def _failed(row: dict) -> str:
    """The failed checks of a row; only "file loads" for a file that did not load (nothing else ran)."""
    failed = split(row.get("failed_checks"))
    return LOADS if LOADS in failed else ", ".join(failed) or "–"


def mistake_counts(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """(mistake id, the submissions that made it), most common first (then by id)."""
    who: dict[str, list[str]] = {}
    for r in rows:
        for m in dict.fromkeys(split(r.get("mistakes"))):
            who.setdefault(m, []).append(r["submission"])
    return sorted(who.items(), key=lambda kv: (-len(kv[1]), kv[0]))


# -------------------------------------------------------------------------------- figure

def score_figure(rows: list[dict], n_checks: int):
    """A bar per possible score (the number of checks passed out of ``n_checks``)."""
    import numpy as np

    from groundup.report.figures import styled, subplots

    @styled
    def draw():
        scores = np.array([_num(r.get("score")) for r in rows])
        n = max(n_checks, 1)
        edges = (np.arange(n + 2) - 0.5) / n
        fig, ax = subplots(figsize=(6.5, 3.4), layout="constrained")
        ax.hist(scores, bins=edges, color="#1f77b4", edgecolor="white")
        ax.set_xlim(-0.5 / n, 1 + 0.5 / n)
        ax.set_xlabel(ft("class.fig_score"))
        ax.set_ylabel(ft("class.fig_count"))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(ft("class.fig_title", n=len(rows), mean=float(scores.mean()) if len(scores) else 0.0))
        return fig

    return draw()


# ------------------------------------------------------------------------------- report

def markdown(rows: list[dict], skipped: list[tuple[str, str]], wall_seconds: float | None,
             figure: str | None, kept: int = 0, checked: int | None = None) -> str:
    """class.md's text. ``wall_seconds``: of the grading that just ``checked`` submissions
    (None: the report is rebuilt from grades.csv alone); ``kept``: rows it did not check again."""
    from groundup.report.markdown import table

    order = check_order(rows)
    exercise = ", ".join(sorted({r.get("exercise", "") for r in rows})) or "–"
    n = len(rows)
    passed_all = sum(r.get("passed") == "true" for r in rows)
    scores = sorted(_num(r.get("score")) for r in rows)
    mean = sum(scores) / n if n else 0.0
    median = (scores[(n - 1) // 2] + scores[n // 2]) / 2 if n else 0.0
    out = [t("class.title", exercise=exercise), "",
           t("class.summary", n=n, passed=passed_all, mean=mean, median=median, skipped=len(skipped)), ""]

    out += [t("class.h_scores"), ""]
    if figure:
        out += [f"![{t('class.fig_alt')}]({figure})", ""]
    counts = Counter(f"{s:.2f}" for s in scores)
    out += [table([t("class.col_score"), t("class.col_submissions")],
                  [[k, counts[k]] for k in sorted(counts, key=float, reverse=True)]), ""]

    out += [t("class.h_checks"), ""]
    stats = []
    for name in order:
        ran = ok = 0
        for r in rows:
            p, f = checks_of(r, order)
            ran += name in p or name in f
            ok += name in p
        if ran:
            stats.append([f"`{name}`", ok, ran, f"{100 * ok / ran:.0f} %"])
    out += [table([t("class.col_check"), t("class.col_passed"), t("class.col_checked"), t("class.col_rate")], stats)
            if stats else t("class.none"), ""]

    out += [t("class.h_mistakes"), ""]
    counted = mistake_counts(rows)
    if counted:
        top = t("class.sep").join(t("class.mistake_count", id=m, n=len(who)) for m, who in counted[:3])
        out += [t("class.most_common", top=top), ""]
        out += [table([t("class.col_mistake"), t("class.col_meaning"), t("class.col_count"), t("class.col_who")],
                      [[f"`{m}`", _meaning(m).replace("|", "/") or "–", len(who), t("class.sep").join(who)] for m, who in counted]), ""]
    else:
        out += [t("class.no_mistakes"), ""]

    out += [t("class.h_problems"), ""]
    problems = [(r["submission"], problem(r), r.get("error", "")) for r in rows]
    problems = [p for p in problems if p[1]]
    if problems:
        out += [table([t("class.col_submission"), t("class.col_what"), t("class.col_line")],
                      [[s, t(f"class.kind_{k}"), _cell(e)] for s, k, e in problems]), ""]
    else:
        out += [t("class.no_problems"), ""]

    out += [t("class.h_not_graded"), ""]
    out += [table([t("class.col_file"), t("class.col_why")], [[_cell(name), why] for name, why in skipped])
            if skipped else t("class.all_graded"), ""]

    out += [t("class.h_time"), ""]
    seconds = [(_num(r.get("seconds")), r["submission"]) for r in rows]
    total = sum(s for s, _ in seconds)
    slowest = max(seconds) if seconds else (0.0, "–")
    out += [t("class.time", total=total, slowest=slowest[0], who=slowest[1])]
    if wall_seconds is not None:
        checked = n - kept if checked is None else checked
        out += ["", t("class.wall", wall=wall_seconds, rate=60 * checked / wall_seconds if wall_seconds else 0.0,
                      checked=checked)]
    if kept:
        out += ["", t("class.kept", kept=kept)]
    out += ["", t("class.h_all"), ""]
    out += [table([t("class.col_submission"), t("class.col_score"), t("class.col_failed"), t("class.col_mistake")],
                  [[r["submission"], f"{_num(r.get('score')):.2f}", _failed(r),
                    ", ".join(split(r.get("mistakes"))) or "–"] for r in rows])]
    return "\n".join(out) + "\n"


def _meaning(mistake: str) -> str:
    """What a mistake id means, in the report's language ('' for an id this version does not know)."""
    from groundup.exercises import mistakes

    try:
        return mistakes.listing(mistake)
    except KeyError:
        return ""


def write(out_csv: Path, rows: list[dict], skipped: list[tuple[str, str]] = (),
          wall_seconds: float | None = None, kept: int = 0, checked: int | None = None) -> tuple[Path, Path]:
    """Write class.md (with class_scores.png) and class.html beside ``out_csv``; their paths."""
    from groundup.report.html import page

    folder = Path(out_csv).parent
    folder.mkdir(parents=True, exist_ok=True)
    figure = None
    if rows:
        order = check_order(rows)
        n_checks = max(len(set(sum(checks_of(r, order), [])) - {LOADS}) for r in rows)  # the scored ones
        fig = score_figure(rows, n_checks)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        atomic_write_bytes(folder / FIGURE, buf.getvalue())
        figure = FIGURE
    text = markdown(rows, list(skipped), wall_seconds, figure, kept, checked)
    md, html = folder / "class.md", folder / "class.html"
    atomic_write_text(md, text)
    atomic_write_text(html, page(text.splitlines()[0].lstrip("# "), text, folder))
    return md, html


# ------------------------------------------------------------------- after ``groundup grade``

def finish(folder: Path | None, exercise: str, out: Path, graded: list, wall_seconds: float | None,
           kept: int = 0, gradescope: Path | None = None, max_score: float | None = None,
           quiet: bool = False) -> tuple[Path, Path]:
    """After grading into ``out``: name the files of ``folder`` not graded (on the terminal and in
    the report), write the class report from every row of ``out``, and the Gradescope results of
    the submissions graded (``graded``: checked now or kept from before) if asked. ``folder``
    None: one submission was regraded; its folder's other files are not listed."""
    from groundup.exercises.catalogue import get
    from groundup.exercises.regrade import read_rows

    ex = get(exercise)
    skipped = []
    if folder is not None:
        from groundup.exercises.grading import submissions

        skipped = not_graded(folder, submissions(folder, ex.file_name), ex.file_name)
    for name, why in skipped:
        print(t("class.not_graded_line", name=name, why=why))
    if kept:
        print(t("class.kept_line", kept=kept, out=out))
    if gradescope is not None:
        from groundup.exercises import gradescope as gs

        gs.write_class(gradescope, graded, ex, gs.DEFAULT_MAX_SCORE if max_score is None else max_score)
    md, html = write(out, read_rows(out), skipped, wall_seconds, kept, len(graded) - kept)
    if not quiet:
        print(t("class.wrote", md=md, html=html))
    return md, html


def report_only(folder: Path, exercise: str, out: Path, quiet: bool = False) -> int:
    """``grade DIR --report-only``: the class report rebuilt from ``out`` without checking again."""
    from groundup.errors import ConfigError
    from groundup.exercises.regrade import read_rows

    if not read_rows(out):
        raise ConfigError(f"{out} holds no grades to report on; grade the folder first (without --report-only)")
    finish(folder if folder.is_dir() else None, exercise, out, [], None, quiet=quiet)
    return 0
