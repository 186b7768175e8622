"""groundup from Python: ``run``, ``compare`` and ``lab`` do what the commands do and return
a ``Result`` (see ``groundup.store.results``) instead of printing a path.

A bad argument raises the project's error (``ConfigError``, ``DataError``, ...) before any
work, with the command line's one-line message: settings are checked by the rules the command
line and a run's config.json share (``groundup.core.settings.RULES``), implementations by
``launch.implementations``. Nothing here exits the interpreter. torch and matplotlib are
imported only when an experiment runs, so ``import groundup`` stays fast.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from groundup.i18n import choose, font_note, language, printer
from groundup.store import results
from groundup.store.results import Result


def open_run(path: str | Path, lang: str | None = None) -> Result:
    """Read a finished run folder (any kind groundup writes) into a ``Result``; ``lang``: the
    language of its card and plots (default: ``$GROUNDUP_LANG``, else the locale, else English).

    Raises ``GroundupError`` with one line if the folder is missing, is not a run folder, is
    damaged (unreadable JSON or CSV, a file the contract requires missing) or holds a run that
    did not finish (with the command that finishes it).
    """
    from groundup.app.advice import said
    from groundup.errors import RunFolderError
    from groundup.store.folder import NotFinished

    try:
        return results.open_run(path, lang, explain=said)
    except NotFinished as err:
        raise RunFolderError(said(err)) from None


def run(name: str, impl: str = "all", preset: str = "quick", out: str | Path | None = None, *,
        data_dir: str | Path | None = None, threads: int | str = "auto", overwrite: bool = False,
        quiet: bool = False, lang: str | None = None, **settings) -> Result:
    """Run experiment ``name`` as ``groundup run`` does and return its result.

    ``impl``: ``"numpy"``, ``"scratch"``, ``"nn"`` or ``"all"`` (every implementation from the
    same initial parameters, compared). ``preset``: ``"quick"`` (seconds), ``"seed"`` (the
    course's settings) or ``"best"``. ``out``: the run folder (default: a new folder under
    ``runs/NAME/`` named after what differs, so every run is kept; an ``out`` you name that
    holds a run needs ``overwrite=True``). ``settings`` override the preset: ``epochs``, ``lr``,
    ``batch_size``, ``seed``, ``momentum``, ``device``, ... (``groundup.experiments.Settings``
    lists them all). ``threads``: ``"auto"`` (one for small models, else the free cores) or N.
    ``lang``: the language of report.md, the figures and the lines printed, ``"en"`` or ``"zh"``
    (Chinese); default ``$GROUNDUP_LANG``, else the locale, else English (``i18n.choose``).

    >>> result = groundup.run("logistic-synthetic", impl="numpy", epochs=5)  # doctest: +SKIP
    >>> result.summary["numpy"]["final"]["test_accuracy"]                     # doctest: +SKIP
    """
    from groundup.app import launch
    from groundup.experiments import get

    exp = get(name)
    launch.implementations(exp, impl)
    exp.settings(preset, **settings)  # a bad preset, setting or value: the one-line ConfigError, before any work
    data_dir = _data_dir(data_dir)
    _set_threads(threads, name)
    with _language(lang, quiet):
        result = launch.start(name, impl, preset, {**settings, "data_dir": data_dir},
                              None if out is None else Path(out), overwrite, quiet=quiet, say=printer(quiet))
    return _in(open_run(result.folder), lang)


def compare(name: str, preset: str = "quick", out: str | Path | None = None, **kwargs) -> Result:
    """Every implementation of ``name`` from the same start, compared: ``run(name, impl="all")``.

    The result's ``comparison["max_param_difference"]`` is the largest difference between the
    implementations' final parameters; ``runs`` holds each implementation's own result.
    """
    return run(name, "all", preset, out, **kwargs)


def resume(path: str | Path, *, epochs: int | None = None, data_dir: str | Path | None = None,
           threads: int | str = "auto", quiet: bool = False, lang: str | None = None) -> Result:
    """Continue the interrupted run in ``path`` (one implementation's folder or an ``--impl all``
    folder) from its last saved epoch, as ``groundup run NAME --resume DIR`` does; ``epochs``
    continues to a new total. Returns the finished run's result."""
    from groundup.app import launch
    from groundup.core.settings import check_setting

    if epochs is not None:
        check_setting("epochs", epochs)
    data_dir = _data_dir(data_dir)
    _set_threads(threads, None)
    with _language(lang, quiet):
        result = launch.resume(Path(path), overrides={"epochs": epochs, "data_dir": data_dir},
                               quiet=quiet, say=printer(quiet))
    return _in(open_run(result.folder), lang)


def lab(preset: str = "quick", only: str | list[str] | None = None, out: str | Path | None = None, *,
        data_dir: str | Path | None = None, threads: int | str = "auto", quiet: bool = False,
        lang: str | None = None) -> Result:
    """Run the whole lab (or the experiments in ``only``) as ``groundup lab`` does.

    Writes ``OUT/index.md`` and ``OUT/index.html`` (default ``runs/lab-PRESET``) and returns a
    result whose ``runs`` holds one result per experiment; experiments whose data could not
    be found, or that failed, are in ``not_run`` with the reason. Running the same lab again
    into the same folder keeps the experiments that completed and finishes the others.
    ``lang``: the language of the reports, figures and lines printed, ``"en"`` or ``"zh"``
    (Chinese); default ``$GROUNDUP_LANG``, else the locale, else English.
    """
    from groundup.app.labbook import run_lab

    names = [n.strip() for n in only.split(",") if n.strip()] if isinstance(only, str) else only
    data_dir = _data_dir(data_dir)
    _set_threads(threads, None)
    folder = Path(out) if out is not None else Path("runs") / f"lab-{preset}"
    with _language(lang, quiet):
        entries = run_lab(preset, folder, names, data_dir, quiet=quiet, say=printer(quiet), threads=threads)
    result = _in(open_run(folder), lang)
    result.not_run.update({e.name: f"{e.status}: {e.reason}" for e in entries if e.status not in ("done",)})
    return result


def check(exercise: str, *, namespace: dict | None = None, timeout: float | None = None,
          in_use: bool = True, lang: str | None = None):
    """Check the functions of ``exercise`` that this notebook (or script) defines, as
    ``groundup check FILE`` checks a file: the same checks, hints and score, the code run in a
    separate limited process (an endless loop ends at ``timeout`` seconds; the kernel goes on).

    The functions are taken by name from the caller's namespace (``namespace``: another
    dict), their source from the cells the notebook has run, with the imports, helpers and
    constants they use. Returns an object with ``passed``, ``score`` and ``checks``; Jupyter
    shows it as a table (✓ / ✗, the hint under each failure, the score), a terminal as the
    command's text. ``in_use=False`` skips the training run on real data. ``lang``: ``"en"``
    or ``"zh"``; default ``$GROUNDUP_LANG``, else the locale, else English.

    >>> groundup.check("softmax-regression")  # doctest: +SKIP
    """
    import inspect

    from groundup.errors import ConfigError
    from groundup.exercises.catalogue import get
    from groundup.exercises.checking import DEFAULT_TIMEOUT, run_checks
    from groundup.exercises.notebook import NotebookCheck, SourceUnreadable, namespace_source
    from groundup.i18n import t

    if namespace is None:
        caller = inspect.currentframe().f_back
        namespace = caller.f_globals if caller is not None else {}
    lang = choose(lang)
    with language(lang):
        ex = get(exercise)
        if not any(f in namespace for f in ex.functions):
            raise ConfigError(t("exercise.no_functions", names=", ".join(ex.functions)))
        if timeout is not None:
            from groundup.core.settings import Rule

            Rule("a number of seconds > 0", float, lambda v: 0 < v < float("inf")).check("timeout", timeout)
        try:
            source, origin = namespace_source(ex.functions, namespace)
        except SourceUnreadable as err:
            raise ConfigError(t("exercise.no_source", names=", ".join(err.names))) from None
    report = run_checks(Path(ex.file_name), ex, DEFAULT_TIMEOUT if timeout is None else float(timeout), in_use,
                        source=source, origin=origin)
    with language(lang):
        report.file = t("nb.file")
    return NotebookCheck(report, lang)


# ------------------------------------------------------------------------------ checks

def _set_threads(threads: int | str, name: str | None) -> None:
    """Check ``threads`` by the rule the command line uses, then apply it."""
    from groundup.core.settings import check_setting
    from groundup.experiments import EXPERIMENTS
    from groundup.training.threads import apply

    apply(check_setting("threads", threads), EXPERIMENTS.get(name or ""))


@contextlib.contextmanager
def _language(lang: str | None, quiet: bool):
    """Write the reports in ``lang`` (None: the default order of ``i18n.choose``) inside the
    block; say once if figures cannot be drawn in it."""
    with language(choose(lang)):
        if (note := font_note()) and not quiet:
            print(note)
        yield


def _in(result: Result, lang: str | None) -> Result:
    """The result, its card and plots in ``lang`` (and so every result it holds)."""
    result.lang = choose(lang)
    for inner in result.runs.values():
        _in(inner, result.lang)
    return result


def _data_dir(path: str | Path | None) -> str | None:
    """A data folder as the settings hold it (text), checked by the ``data_dir`` rule."""
    from groundup.core.settings import check_setting

    return check_setting("data_dir", str(path) if isinstance(path, Path) else path)
