"""Command-line front end: ``groundup list | run | compare | runs | predict | data | lab``.

Every error a user can cause ends in one line, ``groundup: error: ...``, and exit status 2
(1 for a diverged run or a lab with failures, 130 for Ctrl-C); no traceback. The work itself
is done by ``groundup.app.launch`` and ``groundup.app.labbook``; this module parses and prints.
Each command's parser registers its handler (``set_defaults(handler=...)``), which ``main`` calls
with the parsed arguments.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_early(signum, frame):
    """Ctrl-C while the modules are still importing: exit quietly, nothing has started."""
    sys.stderr.write("groundup: interrupted\n")
    os._exit(128 + signum)


signal.signal(signal.SIGINT, _interrupted_early)  # first, before the slow imports below

import argparse  # noqa: E402
import time  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

from groundup import i18n  # noqa: E402
from groundup.training import threads  # noqa: E402
from groundup.version import __version__  # noqa: E402
from groundup.errors import ConfigError, GroundupError, Interrupted, StorageError, check_choice  # noqa: E402
from groundup.core.models import IMPLS  # noqa: E402


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming what is allowed."""

    def error(self, message: str):
        self.exit(2, _said("cli.usage", prog=self.prog, message=message) + "\n")


def _checked(convert):
    """An argparse type from ``convert`` (text -> value, or a ConfigError in the words the
    Python API and a run's config.json use); argparse prints a refusal as one line:
    ``argument --lr: lr must be a number > 0 and <= 1e30, got 0``."""

    def parse(text: str):
        try:
            return convert(text)
        except ConfigError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return parse


def _setting(name: str):
    """The argparse type of setting ``name``: its rule in ``groundup.core.settings.RULES``."""
    from groundup.core.settings import parse_setting

    return _checked(partial(parse_setting, name))


def _choice(what: str, choices: list[str]):
    """The argparse type of a choice, refused in the project's words for choices (``check_choice``)."""

    def convert(text: str) -> str:
        check_choice(what, text, choices)
        return text

    return _checked(convert)


def _count(name: str, least: int):
    """The argparse type of a count that is no setting (``--top``), checked the same way."""
    from groundup.core.settings import Rule

    return _checked(partial(Rule(f"an integer >= {least}", int, lambda v: v >= least).parse, name))


class _ExperimentNames:
    """The experiments' names as argparse ``choices``, read from the registry when first asked:
    the registry imports torch and matplotlib, which commands other than run/compare never need."""

    def _names(self) -> list[str]:
        from groundup.experiments import EXPERIMENTS

        return list(EXPERIMENTS)

    def __contains__(self, name) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


def _add_run_flags(p: argparse.ArgumentParser, with_impl: bool) -> None:
    p.add_argument("name", metavar="NAME", choices=_ExperimentNames(), help="experiment: %(choices)s")
    if with_impl:
        p.add_argument("--impl", type=_choice("implementation", [*IMPLS, "all"]),
                       metavar="{numpy,scratch,nn,all}",
                       help="numpy (gradients by hand), scratch (own model/loss/SGD, autograd), "
                            "nn (torch.nn + torch.optim), or all three compared (default)")
    p.add_argument("--preset", help="seed (the course's settings), quick "
                   "(seconds; default) or best (the highest accuracy the model reaches)")
    p.add_argument("--epochs", type=_setting("epochs"), help="number of epochs (>= 1)")
    p.add_argument("--lr", type=_setting("lr"), help="learning rate (> 0 and <= 1e30)")
    p.add_argument("--batch-size", type=_setting("batch_size"), help="mini-batch size (>= 1)")
    p.add_argument("--seed", type=_setting("seed"), help="seed of data, initialisation and batch order "
                   "(0 to 2**32 - 1)")
    p.add_argument("--device", type=_setting("device"), metavar="{cpu,cuda,auto}",
                   help="where scratch and nn run (default cpu)")
    p.add_argument("--threads", type=_checked(threads.parse), default="auto", help="CPU threads for torch and "
                   "NumPy: auto (default: 1 for small models, else the cores other programs leave free) or N")
    p.add_argument("--data-dir", type=Path, help="folder holding mnist/, fashion-mnist/, diabetes/ "
                   "(searched before $GROUNDUP_DATA, ~/.cache/groundup, /usr/share/datasets)")
    p.add_argument("--out", type=Path, help="run folder (default: a new folder runs/NAME/IMPL-PRESET..., "
                   "with runs/NAME/latest pointing at it)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or progress lines")
    _add_lang(p)
    p.add_argument("--overwrite", action="store_true",
                   help="replace the run in --out (its old files are removed); without it a run is never replaced")
    if with_impl:
        p.add_argument("--resume", type=Path, metavar="DIR",
                       help="continue the run in DIR (one implementation's folder or an --impl all folder) "
                            "from its last complete epoch; --epochs N continues to N")


def _add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=list(i18n.LANGS), default=None,
                   help="language of what the command prints and writes: en or zh (Chinese); default: "
                        "$GROUNDUP_LANG, else the locale (LANG=zh_CN.UTF-8 is Chinese), else en")


def _leaves(parser: argparse.ArgumentParser):
    """The parsers of the commands themselves (``exercise start``, ``data info``, ...)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield parser
    for action in subs:
        for p in dict.fromkeys(action.choices.values()):
            yield from _leaves(p)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="groundup", description="Deep-learning fundamentals built twice, by hand "
                    "and with torch.nn, checked against each other.")
    parser.add_argument("--version", action="version", version=f"groundup {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")

    sub.add_parser("list", help="the experiments: course section, model, data, implementations"
                   ).set_defaults(handler=cmd_list)

    run = sub.add_parser("run", help="run one experiment and write its run folder",
                         description="Train one experiment and write config.json, metrics.csv, "
                                     "summary.json, figures and report.md into its run folder.")
    _add_run_flags(run, with_impl=True)
    run.set_defaults(handler=cmd_run)

    compare = sub.add_parser("compare", help="run every implementation of an experiment from the "
                             "same start and compare them",
                             description="Train numpy, scratch and nn (those the experiment has) from the "
                                         "same initial parameters on the same batches, one run folder "
                                         "each, and write comparison.md with the largest difference "
                                         "between their final parameters.")
    _add_run_flags(compare, with_impl=False)
    compare.set_defaults(handler=cmd_compare)

    lab = sub.add_parser("lab", help="run the whole lab and write one report (index.md, index.html)",
                         description="Run every experiment with every implementation it has, on the "
                                     "data that can be found, and write OUT/index.md and a "
                                     "self-contained OUT/index.html.")
    lab.add_argument("--preset", help="quick (minutes; default), seed (the course's "
                     "settings) or best (experiments without it use seed); --resume keeps the lab's own")
    lab.add_argument("--only", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                     help="comma-separated experiment names (default: all)")
    lab.add_argument("--out", type=Path, help="report folder (default runs/lab-PRESET)")
    lab.add_argument("--data-dir", type=Path, help="a folder holding mnist/, fashion-mnist/, diabetes/")
    lab.add_argument("--threads", type=_checked(threads.parse), default="auto", help="CPU threads for torch and "
                     "NumPy: auto (default: the cores other programs leave free) or N")
    lab.add_argument("--quiet", action="store_true", help="no progress lines")
    _add_lang(lab)
    lab.add_argument("--resume", type=Path, metavar="DIR", help="continue the lab in DIR: skip the "
                     "experiments that completed, finish the rest (running the same command again "
                     "does the same)")
    lab.set_defaults(handler=cmd_lab)

    runs = sub.add_parser("runs", help="list the runs in a folder with their headline numbers",
                          description="List every run under DIR (default runs/): experiment, "
                                      "implementation, preset, status, epochs and final test numbers.")
    runs.add_argument("root", metavar="DIR", type=Path, nargs="?", default=Path("runs"),
                      help="where to look (default runs/)")
    runs.set_defaults(handler=cmd_runs)

    predict = sub.add_parser("predict", help="classify images with a trained model from its run folder",
                             description="Load a trained image classifier from RUN_DIR and print the "
                                         "top classes for each image file (PNG or JPEG, any size, "
                                         "colour or grey; dark ink on light paper is inverted to "
                                         "MNIST's white on black) or for --test-index N.")
    predict.add_argument("run_dir", metavar="RUN_DIR", type=Path, nargs="?",
                         help="a run folder of softmax, MLP or CNN (one implementation's)")
    predict.add_argument("inputs", metavar="INPUT", type=Path, nargs="*", help="image files")
    predict.add_argument("--test-index", type=_count("test index", 0), action="append", default=[], metavar="N",
                         help="predict test image N of the run's data set (repeatable)")
    predict.add_argument("--top", type=_count("top", 1), default=3, help="how many classes to show (default 3)")
    predict.add_argument("--json", action="store_true", help="machine-readable output")
    predict.add_argument("--data-dir", type=Path, help="where to find the data set for --test-index")
    predict.set_defaults(handler=cmd_predict)

    data = sub.add_parser("data", help="find, verify or download the data sets")
    dsub = data.add_subparsers(dest="data_command", required=True, parser_class=Parser, metavar="ACTION")
    for name, text, handler in (("info", "where each data set was found", cmd_data_info),
                                ("verify", "check the SHA-256 of the data files", cmd_data_verify),
                                ("download", "download a data set into the cache (needs internet)",
                                 cmd_data_download)):
        p = dsub.add_parser(name, help=text)
        p.set_defaults(handler=handler)
        if name == "verify":
            p.add_argument("dataset", nargs="?", choices=["mnist", "fashion-mnist"], help="default: both")
        if name == "download":
            p.add_argument("dataset", choices=["mnist", "fashion-mnist"])
        p.add_argument("--data-dir", type=Path, help="a folder to search first")
    from groundup.exercises import cli as exercises_cli

    exercises_cli.add_parsers(sub)
    for leaf in _leaves(parser):
        if "--lang" not in leaf._option_string_actions:  # every command that prints for a person speaks en or zh
            _add_lang(leaf)
        if "--quiet" not in leaf._option_string_actions:  # and one without --quiet is never quiet
            leaf.set_defaults(quiet=False)
    return parser


def cmd_list(args) -> int:
    from groundup.experiments import EXPERIMENTS

    rows = [[e.name, e.section, i18n.described(e.model), i18n.described(e.dataset), ", ".join(e.impls) or "-",
             ", ".join(e.presets)] for e in EXPERIMENTS.values()]
    _table(i18n.t("cli.list_head").split("|"), rows)
    return 0


def _table(head: list[str], rows: list[list]) -> None:
    """Columns lined up in a terminal, where a Chinese character takes two columns."""
    from groundup.exercises.cli import _width

    rows = [[str(v) for v in row] for row in [head, *rows]]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    for row in rows:
        print("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip())


def cmd_run(args) -> int:
    _apply_threads(args.threads, args.name)
    return _train(args, args.impl, args.resume)


def cmd_compare(args) -> int:
    _apply_threads(args.threads, args.name)
    return _train(args, "all", resume=None)


def _apply_threads(requested: int | str, name: str | None) -> None:
    """``--threads`` for the torch and BLAS of this process, chosen for experiment ``name``."""
    from groundup.experiments import EXPERIMENTS

    threads.apply(requested, EXPERIMENTS.get(name or ""))


def _train(args, impl: str | None, resume: Path | None) -> int:
    """``run`` and ``compare``: start the run, or continue the one in ``resume``."""
    from groundup.app import launch

    say = i18n.printer(args.quiet)
    overrides = dict(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, seed=args.seed,
                     device=args.device, data_dir=str(args.data_dir) if args.data_dir else None)
    if resume:
        refused = [flag for flag, given in (("--preset", args.preset), ("--out", args.out),
                                            ("--overwrite", args.overwrite)) if given]
        if refused:
            raise GroundupError(f"{', '.join(refused)} cannot apply to --resume: a run continues with its "
                                f"own preset and in its own folder; resume without {refused[0]}")
        result = launch.resume(resume, args.name, impl, overrides, quiet=args.quiet, say=say)
    else:
        result = launch.start(args.name, impl, args.preset or "quick", overrides, args.out, args.overwrite,
                              quiet=args.quiet, say=say)
    say(i18n.t("cli.report", path=result.report))
    return 0


def cmd_runs(args) -> int:
    from groundup.store.runs import list_runs

    if not args.root.is_dir():
        raise GroundupError(i18n.t("cli.no_folder", root=args.root))
    rows = [[r["folder"], r["experiment"], r["impl"], r["preset"], r["status"], r["epochs"], r["result"]]
            for r in list_runs(args.root)]
    if not rows:
        print(i18n.t("cli.no_runs", root=args.root))
        return 0
    _table(i18n.t("cli.runs_head").split("|"), rows)
    return 0


def cmd_data_info(args) -> int:
    from groundup.data import vision

    for row in vision.info(args.data_dir):
        where = row["root"] if row["root"] else i18n.t("cli.not_found")
        print(f"{row['name']:<14} {where}")
    print(i18n.t("cli.searched", roots=", ".join(str(r) for r in vision.search_roots(args.data_dir))))
    return 0


def cmd_data_verify(args) -> int:
    from groundup.data import vision

    names = [args.dataset] if args.dataset else list(vision.DATASETS)
    bad = 0
    for name in names:
        if not args.dataset and vision.locate(name, args.data_dir) is None:
            print(i18n.t("cli.skipped", name=name))
            continue
        for check in vision.verify(name, args.data_dir):
            status = i18n.t("cli.ok") if check.ok else i18n.t("cli.failed", error=check.error or i18n.t("cli.sha_mismatch"))
            print(f"{name:<14} {check.path}  {status}")
            bad += not check.ok
    return 1 if bad else 0


def cmd_data_download(args) -> int:
    from groundup.data import vision

    root = vision.download(args.dataset, progress=True)
    print(i18n.t("cli.downloaded", name=args.dataset, path=root / args.dataset))
    return 0


def cmd_lab(args) -> int:
    from groundup.app.labbook import run_lab

    if args.resume and args.out and args.resume != args.out:
        raise GroundupError(i18n.t("cli.lab_folder_once"))
    _apply_threads(args.threads, None)  # and again for each experiment, by its size
    out = args.resume or args.out or Path("runs") / f"lab-{args.preset or 'quick'}"
    say = i18n.printer(args.quiet)
    began = time.perf_counter()
    entries = run_lab(args.preset, out, args.only, str(args.data_dir) if args.data_dir else None,
                      quiet=args.quiet, say=say, resume=bool(args.resume), threads=args.threads)
    done = sum(e.status == "done" for e in entries)
    failed = [e.name for e in entries if e.status == "failed"]
    say(i18n.t("cli.lab_done", done=done, n=len(entries), seconds=time.perf_counter() - began,
               html=out / "index.html"))
    if failed:
        print(i18n.t("cli.error", text=i18n.t("cli.lab_failed", k=len(failed), names=", ".join(failed),
                                              md=out / "index.md")), file=sys.stderr)
        return 1
    return 0


def cmd_predict(args) -> int:
    from groundup.app.predict import run_predict

    if args.run_dir is None or (not args.inputs and not args.test_index):
        raise GroundupError(i18n.t("cli.nothing_to_predict"))
    return run_predict(args.run_dir, args.inputs, args.test_index,
                       str(args.data_dir) if args.data_dir else None, args.json, args.top)


_stopped_by: int | None = None  # the signal that stopped the command; None while it runs
_again = None  # the timer that delivers a swallowed Ctrl-C again (see _swallowed)


def _interrupt(signum, frame):
    """Ctrl-C or SIGTERM: stop the command by raising Interrupted, once. A later signal comes
    while the run saves what it did (its last epoch, its report, the line saying how to resume)
    and is ignored: cutting that short would lose the report and print a traceback. The exit
    status stays the first signal's (130, or 143 for SIGTERM)."""
    global _stopped_by
    if _stopped_by is not None:
        return
    _stopped_by = signum
    raise Interrupted(signum)


def _swallowed(hook, unraisable) -> None:
    """``sys.unraisablehook`` while a command runs. Python runs a signal handler between any two
    bytecodes, also those of a weakref callback or a ``__del__`` that the run happened to trigger;
    an Interrupted raised there cannot reach the run (Python prints "Exception ignored" and goes
    on), and the run would go on with its Ctrl-C spent. Deliver it again instead, a moment later,
    in the main thread (by then, in the run's own code). On a busy machine the moment can come
    before this hook has returned (even inside ``Timer.start``, which waits for its thread): the
    Interrupted it raises here is caught, and the signal is delivered once more."""
    global _stopped_by, _again
    if isinstance(unraisable.exc_value, Interrupted) and _stopped_by is not None:
        signum = _stopped_by
        import _thread
        import threading

        while True:
            _stopped_by = None
            try:
                _again = threading.Timer(0.01, _thread.interrupt_main, (signum,))
                _again.daemon = True
                _again.start()
                return
            except Interrupted:  # it came back while still in this hook: once more
                pass
    hook(unraisable)


def _parse(argv: list[str] | None):
    """Parse; ``predict`` also takes image files after its options (``RUN --top 5 a.png``)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "predict" and not any(e.startswith("-") for e in extra):
        args.inputs = [*args.inputs, *map(Path, extra)]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the command in ``argv`` (None: this process's command line) and return its exit status."""
    global _stopped_by, _LANG_ASKED
    _LANG_ASKED = _lang_in(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show "§" or "→" gets "?"
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    _stopped_by = None
    handlers = {s: signal.signal(s, _interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    sys.unraisablehook = partial(_swallowed, hook)
    try:
        return _main(argv)
    finally:
        if _again is not None:
            _again.cancel()
        sys.unraisablehook = hook
        for s, handler in handlers.items():
            # This process's own command: it ends now, and a Ctrl-C while Python shuts down (where
            # it would kill it: status -2) changes nothing. Called in a program: Python's handlers
            # back (the program's own, if it had set any).
            if handler is _interrupted_early:
                handler = signal.default_int_handler if s == signal.SIGINT else signal.SIG_DFL
            signal.signal(s, signal.SIG_IGN if argv is None else handler)


def _main(argv: list[str] | None) -> int:
    try:
        args = _parse(argv)  # every command's parser gives it .handler, .lang and .quiet (build_parser)
        with i18n.language(i18n.choose(args.lang)):
            if (note := i18n.font_note()) and not args.quiet:
                print(note)
            return args.handler(args)
    except GroundupError as err:
        print(_said("cli.error", text=err), file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # the reader went (`groundup check | head`): stop quietly, as a pipe's writers do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 1
    except OSError as err:  # anything the OS refused that no layer below put in words
        print(_said("cli.error", text=StorageError.from_os(err)), file=sys.stderr)
        return 2
    except Interrupted as stop:
        print(_said("cli.hint", text=stop.hint) if stop.hint else _said("cli.interrupted"), file=sys.stderr)
        return stop.exit_code


_LANG_ASKED: str | None = None  # --lang as given on the command line, for the last lines


def _lang_in(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in i18n.LANGS else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1] if arg.split("=", 1)[1] in i18n.LANGS else None
    return None


def _said(key: str, **fields) -> str:
    """A last line, in the language the command was given (or would have been: the error may
    have come before it was chosen, or from a bad $GROUNDUP_LANG)."""
    try:
        lang = i18n.choose(_LANG_ASKED)
    except GroundupError:
        lang = "en"
    with i18n.language(lang):  # the errors below the commands are written in English: said again
        return i18n.t(key, **{k: v if k == "prog" else i18n.relay(str(v), "err.") for k, v in fields.items()})
