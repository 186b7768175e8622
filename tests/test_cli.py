"""The command line as a user meets it: validation, run folders, exit codes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, cli_run, run_cli


@pytest.mark.parametrize("args, allowed", [
    (["--lr", "0"], "> 0"),
    (["--lr", "-0.1"], "> 0"),
    (["--lr", "abc"], "number"),
    (["--batch-size", "0"], ">= 1"),
    (["--epochs", "0"], ">= 1"),
    (["--impl", "keras"], "numpy"),
])
def test_invalid_values_exit_2_with_one_line(args, allowed):
    result = cli_run("run", "logistic-synthetic", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert allowed in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_experiment_names_the_choices():
    result = cli_run("run", "no-such-thing")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "logistic-synthetic" in result.stderr


def test_unknown_preset_is_one_line():
    result = cli_run("run", "logistic-synthetic", "--preset", "fastest")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "groundup: error: experiment 'logistic-synthetic' has no preset 'fastest'; choose from: seed, quick, best"]


def test_list_shows_experiments_with_section_and_impls():
    result = cli_run("list")
    assert result.returncode == 0
    line = next(l for l in result.stdout.splitlines() if l.startswith("logistic-synthetic"))
    assert "000 §2" in line and "numpy, scratch, nn" in line


def test_run_one_impl_writes_the_run_folder_contract(tmp_path):
    out = tmp_path / "run"  # in a child, as a user starts it (`python -m groundup`)
    result = run_cli("run", "logistic-synthetic", "--impl", "numpy", "--epochs", "3", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # --quiet
    for name in ("config.json", "metrics.csv", "summary.json", "report.md", "curves.png", "confusion.png"):
        assert (out / name).stat().st_size > 0, name
    rows = list(csv.DictReader((out / "metrics.csv").open()))
    assert list(rows[0]) == ["epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds"]
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    summary = json.loads((out / "summary.json").read_text())
    for key in ("experiment", "impl", "preset", "epochs", "final", "best_test_accuracy", "train_seconds",
                "seconds_per_epoch", "device", "seed"):
        assert key in summary
    assert set(summary["final"]) == {"train_loss", "train_accuracy", "test_loss", "test_accuracy"}
    assert summary["final"]["test_accuracy"] == pytest.approx(float(rows[-1]["test_accuracy"]), abs=1e-5)
    config = json.loads((out / "config.json").read_text())
    assert config["settings"]["epochs"] == 3 and "torch" in config["versions"]
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))


def test_run_all_impls_agree_and_writes_comparison(tmp_path):
    out = tmp_path / "cmp"
    result = cli_run("compare", "logistic-synthetic", "--epochs", "2", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    summaries = {i: json.loads((out / i / "summary.json").read_text()) for i in ("numpy", "scratch", "nn")}
    accs = {s["final"]["test_accuracy"] for s in summaries.values()}
    assert len(accs) == 1
    comparison = json.loads((out / "comparison.json").read_text())
    assert comparison["max_param_difference"] < 1e-5
    assert "(comparison.png)" in (out / "comparison.md").read_text()


def test_same_command_twice_gives_the_same_numbers(tmp_path):
    """Once in a fresh child and once in this process, after other runs: neither the process
    (hash seeds) nor what ran before in it (global random state) may change a number."""
    for name, run in (("a", run_cli), ("b", cli_run)):
        assert run("run", "logistic-synthetic", "--impl", "nn", "--epochs", "2", "--quiet",
                   "--out", str(tmp_path / name)).returncode == 0
    strip = lambda p: [l.rsplit(",", 1)[0] for l in p.read_text().splitlines()]  # drop the timing column
    assert strip(tmp_path / "a" / "metrics.csv") == strip(tmp_path / "b" / "metrics.csv")


def test_missing_data_is_one_clear_message_no_traceback(tmp_path):
    from groundup.data import vision

    result = cli_run("data", "verify", "mnist", "--data-dir", str(tmp_path),
                     env={"GROUNDUP_DATA": str(tmp_path), "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)})
    if vision.SYSTEM_ROOT.joinpath("mnist").exists():
        pytest.skip("MNIST is installed system-wide")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "MNIST not found" in result.stderr and "groundup data download mnist" in result.stderr
    assert str(tmp_path) in result.stderr


def test_output_that_is_not_a_terminal_gets_one_line_per_epoch(tmp_path):
    args = ["run", "logistic-synthetic", "--impl", "numpy", "--epochs", "3"]
    result = cli_run(*args, "--out", str(tmp_path / "a"))
    assert result.returncode == 0, result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("epoch ")]
    assert [l.split(":")[0] for l in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert "train loss" in lines[0] and "test loss" in lines[0] and "accuracy" in lines[0]
    quiet = cli_run(*args, "--out", str(tmp_path / "b"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_compare_help_says_what_it_does():
    result = cli_run("compare", "--help")
    assert result.returncode == 0 and "same initial parameters" in " ".join(result.stdout.split())


def test_predict_on_an_impl_all_folder_names_the_sub_folders(tmp_path):
    import json as _json

    group = tmp_path / "all"
    for impl in ("numpy", "nn"):
        (group / impl).mkdir(parents=True)
        (group / impl / "config.json").write_text(_json.dumps({"experiment": "softmax-mnist", "impl": impl}))
    (group / "config.json").write_text(_json.dumps({"experiment": "softmax-mnist", "preset": "quick",
                                                     "impls": ["numpy", "nn"], "settings": {}}))
    result = cli_run("predict", str(group), "--test-index", "0")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert f"{group / 'numpy'} or {group / 'nn'}" in result.stderr


def _commands(parser, path=(), handler=None):
    """(command words, parser, the handler it or a parser above it registered) of every command."""
    import argparse

    handler = parser.get_default("handler") or handler
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser, handler
    for action in subs:
        for name, p in action.choices.items():
            yield from _commands(p, (*path, name), handler)


def test_every_command_registers_its_handler_and_declares_lang_and_quiet():
    """main() calls args.handler(args) and reads args.lang and args.quiet, for every command."""
    from groundup.cli import build_parser

    commands = list(_commands(build_parser()))
    assert {" ".join(path) for path, _, _ in commands} >= {
        "list", "run", "compare", "lab", "runs", "predict", "data info", "data verify", "data download",
        "exercise list", "exercise start", "exercise mistakes", "check", "grade"}
    for path, parser, handler in commands:
        assert callable(handler), path
        assert parser.get_default("lang") is None and "--lang" in parser._option_string_actions, path
        assert parser.get_default("quiet") is False, path


def test_the_handlers_are_the_commands(monkeypatch):
    from groundup import cli
    from groundup.exercises import cli as exercises_cli

    args = cli.build_parser().parse_args
    assert args(["run", "logistic-synthetic"]).handler is cli.cmd_run
    assert args(["compare", "logistic-synthetic"]).handler is cli.cmd_compare
    assert args(["data", "verify"]).handler is cli.cmd_data_verify
    assert args(["exercise", "start", "dataset"]).handler is exercises_cli.dispatch
    assert args(["grade", "d", "--exercise", "dataset"]).handler is exercises_cli.dispatch
    seen = []
    monkeypatch.setattr(cli, "cmd_runs", lambda a: seen.append(a.root) or 7)
    assert cli.main(["runs", "somewhere"]) == 7 and [str(p) for p in seen] == ["somewhere"]


def test_output_to_a_closed_pipe_ends_quietly(tmp_path):
    """`groundup exercise list | head -1`: the reader leaves (here before anything is written);
    no error line, no traceback."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GROUNDUP_LANG": "en"}
    done = subprocess.run(f"'{sys.executable}' -m groundup exercise list | true", shell=True, env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.stderr == ""
