"""Shared test helpers."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import forked  # before any test changes the environment: the fork server starts with this one

from groundup.training.threads import BLAS_VARIABLES  # what threads.set_blas_threads sets

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")  # headless page tests skip without it
# The suite's assertions are in English whatever the machine's locale (LANG=zh_CN.UTF-8 would
# otherwise make every command speak Chinese); the tests of the language choice set their own.
os.environ["GROUNDUP_LANG"] = "en"


def pytest_configure(config):
    """Compile groundup's modules, and ``forked.py`` that every forked child loads, once, in the
    controller before the workers start. Each child imports groundup afresh (``forked.py``);
    where ``PYTHONDONTWRITEBYTECODE`` is set, no process writes the bytecode it compiles, and
    every child would compile the same hundred modules from source again (0.15-0.25 s of CPU
    for a ``groundup run`` child, measured)."""
    if not hasattr(config, "workerinput"):
        import compileall

        compileall.compile_dir(ROOT / "src" / "groundup", quiet=2)
        compileall.compile_file(forked.__file__, quiet=2)


def cli_main(*args: str) -> int:
    """``groundup ARGS`` in this process: its exit status, with the signal handlers it installs
    put back afterwards (a subprocess is needed only where a test kills the run)."""
    from groundup import cli

    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        return cli.main(list(args))
    except SystemExit as exit:
        return exit.code
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])


# Module fixtures too cheap to be worth keeping their tests on one worker (see below).
CHEAP_TO_MAKE_TWICE = {"jupyter_path"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """With pytest-xdist's ``--dist loadgroup`` (pyproject.toml), the tests of a file that use
    one of its fixtures of module scope (a trained run, a lab) go to one worker, which makes
    each fixture once; every other test goes to whichever worker is free."""
    for item in items:
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        if any(name not in CHEAP_TO_MAKE_TWICE and fd.scope in ("module", "package", "class")
               for name, fds in defs.items() for fd in fds):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _put_back_environ(saved: dict[str, str | None]) -> None:
    """Environment variables as they were (None: unset)."""
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# For a child only (run_cli): the first kills the process it is set in; the second is read once,
# when groundup imports it, so that a run in this process would not see it.
CHILD_ONLY = ("GROUNDUP_FAULT", "GROUNDUP_COMMIT_SECONDS")


def cli_run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``groundup ARGS`` in this process, answered like ``run_cli``'s child: exit status, and
    what it printed on stdout and stderr (neither a terminal). Saves a child's start-up (torch's
    import, seconds) for every command that is not killed; ``env`` and ``cwd`` hold for the call
    (a variable given as None is unset for it)."""
    env = env or {}
    assert not set(env) & set(CHILD_ONLY), f"{CHILD_ONLY} need a child: use run_cli"
    saved_env, saved_cwd = {k: os.environ.get(k) for k in env}, os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        _put_back_environ(env)
        if cwd is not None:
            os.chdir(cwd)
        with redirect_stdout(out), redirect_stderr(err):
            code = cli_main(*args)
    finally:
        os.chdir(saved_cwd)
        _put_back_environ(saved_env)
    return subprocess.CompletedProcess(["groundup", *args], 0 if code is None else code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _absolute_data_dir(monkeypatch):
    """Tests may change directory; keep $GROUNDUP_DATA pointing at the same folder."""
    if os.environ.get("GROUNDUP_DATA"):
        monkeypatch.setenv("GROUNDUP_DATA", str(Path(os.environ["GROUNDUP_DATA"]).resolve()))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
    """``python -m groundup ARGS`` in a process of its own, as a user would run it: forked from a
    server that has imported torch, NumPy and matplotlib (``tests/forked.py``; a plain
    ``python -m groundup`` where ``env`` changes what an interpreter reads at its start)."""
    return forked.run(args, cwd=cwd, env=_child_env(env), timeout=timeout)


def start_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
              start_new_session: bool = False) -> forked.Child:
    """``python -m groundup ARGS`` started as ``run_cli`` starts it, answering like
    ``subprocess.Popen(..., stdout=PIPE, stderr=PIPE, text=True)``."""
    return forked.Child(args, cwd=cwd, env=_child_env(env), start_new_session=start_new_session)


def _child_env(env: dict | None) -> dict:
    """This process's environment with groundup's sources first on the path, and ``env``."""
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}


@pytest.fixture(autouse=True)
def _one_torch_thread(monkeypatch):
    """Tests use tiny models, where a second thread only adds waiting (and, on a busy CPU, a lot).
    A run in this process sets the threads for torch and the BLAS (and the BLAS variables): they
    are put back, with the thread guard, so that no test leaves them to the next."""
    import torch

    from groundup.training import threads

    before, blas = torch.get_num_threads(), threads.blas_threads()
    variables = {name: os.environ.get(name) for name in BLAS_VARIABLES}
    monkeypatch.setattr(threads, "_current", threads._current)
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
    if blas is not None and threads.blas_threads() != blas:
        threads.set_blas_threads(blas)
    _put_back_environ(variables)


@pytest.fixture
def isolated_roots(tmp_path, monkeypatch):
    """No real data roots: GROUNDUP_DATA unset, HOME and the system root inside tmp_path."""
    from groundup.data import roots

    monkeypatch.delenv("GROUNDUP_DATA", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(roots, "SYSTEM_ROOT", tmp_path / "system")
    return tmp_path


def digit_like(n: int, seed: int = 0, classes: int = 10):
    """28×28 uint8 images with MNIST's blank background (so that max-pool windows tie), a
    class-specific bright bar and sparse noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    img = np.zeros((n, 28, 28))
    for c in range(classes):
        r, col = 4 + 2 * c, 4 + (c % 4) * 5
        img[y == c, r:r + 4, col:col + 8] = 200
    img += rng.integers(0, 56, img.shape) * (rng.random(img.shape) < 0.1)
    return np.clip(img, 0, 255).astype(np.uint8), y


def train_each_impl(spec, params: dict, settings, split, epochs: int, batch_size: int) -> dict:
    """{impl: (history, final parameters)} of numpy, scratch and nn trained by ``train.fit`` from
    ``params`` on ``split`` (the same batches for all three)."""
    from groundup.training.registry import build_learner
    from groundup.training.train import fit

    runs = {}
    for impl in ("numpy", "scratch", "nn"):
        learner = build_learner(spec, impl, params, settings, "cpu")
        history = fit(learner, split, epochs=epochs, batch_size=batch_size, seed=0, lr=settings.lr, quiet=True)
        runs[impl] = history, learner.parameters()
    return runs


def assert_same_trajectory(runs: dict, reference: str, tol: float) -> None:
    """Every implementation's per-epoch losses and final parameters equal ``reference``'s to ``tol``."""
    ref_history, ref_params = runs[reference]
    assert ref_history.last.train_loss < ref_history.records[0].train_loss  # it did learn
    for impl, (history, got) in runs.items():
        for a, b in zip(history.records, ref_history.records):
            assert abs(a.train_loss - b.train_loss) < tol and abs(a.test_loss - b.test_loss) < tol
        for k in ref_params:
            np.testing.assert_allclose(got[k], ref_params[k], rtol=0, atol=tol, err_msg=f"{impl} {k}")


def chromium_dom(page: Path, profile: Path) -> str:
    """The DOM of ``page`` after headless Chromium loaded it and ran its scripts (5 s of virtual time)."""
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=True).stdout
