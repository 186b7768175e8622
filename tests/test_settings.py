"""One rule per setting (``groundup.core.settings.RULES``): the command line, the Python API
and a run's config.json refuse the same bad value in the same one line, and accept the same
edge values."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

import groundup
from conftest import cli_run
from groundup.app import launch
from groundup.training import threads
from groundup.cli import build_parser
from groundup.errors import ConfigError, RunFolderError
from groundup.core.settings import RULES, Settings
from test_faults import here  # noqa: F401  (the command line in this process, as a fixture)

NAN, INF = math.nan, math.inf
SAME = "same"  # on the command line: typed as str(value), refused in the same words
FLAGS = {"epochs": "--epochs", "lr": "--lr", "batch_size": "--batch-size", "seed": "--seed", "device": "--device"}

EPOCHS = "epochs must be an integer >= 1 and <= 10**6, got "
LR = "lr must be a number > 0 and <= 1e30, got "
BATCH = "batch_size must be an integer >= 1 and <= 10**9, got "
SEED = "seed must be an integer from 0 to 2**32 - 1, got "
MOMENTUM = "momentum must be a number >= 0 and < 1, got "
DECAY = "weight_decay must be a finite number >= 0, got "
STD = "init_std must be a finite number > 0, got "
LIMIT = "must be an integer >= 1 and <= 10**9, or None, got "

# setting, value (Python API, config.json), the refusal, and on the command line: SAME,
# (text, refusal) when typing it reads differently, or None (no flag)
BAD = [
    ("epochs", 0, EPOCHS + "0", SAME),
    ("epochs", -3, EPOCHS + "-3", SAME),
    ("epochs", 1.5, EPOCHS + "1.5", ("1.5", EPOCHS + "'1.5'")),
    ("epochs", "ten", EPOCHS + "'ten'", SAME),
    ("epochs", True, EPOCHS + "True", ("True", EPOCHS + "'True'")),
    ("epochs", None, EPOCHS + "None", None),  # None keeps the default in the API: config.json only
    ("epochs", 10**6 + 1, EPOCHS + "1000001", SAME),  # every count is bounded, as the learning rate is
    ("epochs", 10**30, EPOCHS + str(10**30), SAME),  # would otherwise train until someone noticed
    ("lr", 0, LR + "0", SAME),
    ("lr", -0.1, LR + "-0.1", SAME),
    ("lr", 10**31, LR + str(10**31), SAME),
    ("lr", 10**400, LR + str(10**400), SAME),  # too large for a float, refused all the same
    ("lr", NAN, LR + "nan", SAME),
    ("lr", INF, LR + "inf", SAME),
    ("lr", "fast", LR + "'fast'", SAME),
    ("lr", True, LR + "True", None),
    ("batch_size", 0, BATCH + "0", SAME),
    ("batch_size", 2.5, BATCH + "2.5", ("2.5", BATCH + "'2.5'")),
    ("batch_size", False, BATCH + "False", None),
    ("batch_size", 10**9 + 1, BATCH + "1000000001", SAME),
    ("seed", -1, SEED + "-1", SAME),
    ("seed", 2**32, SEED + "4294967296", SAME),
    ("seed", "x", SEED + "'x'", SAME),
    ("seed", True, SEED + "True", None),
    ("momentum", -0.1, MOMENTUM + "-0.1", None),
    ("momentum", 1, MOMENTUM + "1", None),
    ("momentum", NAN, MOMENTUM + "nan", None),
    ("momentum", True, MOMENTUM + "True", None),
    ("weight_decay", -1, DECAY + "-1", None),
    ("weight_decay", INF, DECAY + "inf", None),
    ("weight_decay", NAN, DECAY + "nan", None),
    ("init_std", 0, STD + "0", None),
    ("init_std", INF, STD + "inf", None),
    ("train_limit", 0, "train_limit " + LIMIT + "0", None),
    ("train_limit", 1.5, "train_limit " + LIMIT + "1.5", None),
    ("train_limit", 10**30, "train_limit " + LIMIT + str(10**30), None),
    ("test_limit", 10**9 + 1, "test_limit " + LIMIT + "1000000001", None),
    ("test_limit", True, "test_limit " + LIMIT + "True", None),
    ("standardize", 1, "standardize must be True or False, got 1", None),
    ("data_dir", 3, "data_dir must be a folder path (text) or None, got 3", None),
    ("schedule", "cosin", "unknown schedule 'cosin'; choose from: constant, cosine", None),
    ("init", "he", "unknown init 'he'; choose from: torch, normal", None),
    ("dtype", "float16", "unknown dtype 'float16'; choose from: float32, float64", None),
    ("device", "gpu", "unknown device 'gpu'; choose from: cpu, cuda, auto", SAME),
    ("device", 3, "unknown device 3; choose from: cpu, cuda, auto", None),
]


def _id(row) -> str:
    return f"{row[0]}={row[1]!r}"[:40]


def test_every_setting_has_a_rule_and_a_bad_value_here():
    assert {f for f in Settings().as_dict()} | {"threads"} == set(RULES)
    assert {row[0] for row in BAD} == set(Settings().as_dict())


@pytest.mark.parametrize("row", BAD, ids=_id)
def test_settings_and_replace_refuse_a_bad_value(row):
    name, value, message, _ = row
    with pytest.raises(ConfigError) as err:
        Settings(**{name: value})
    assert str(err.value) == message
    with pytest.raises(ConfigError) as err:  # however the settings are built
        replace(Settings(), **{name: value})
    assert str(err.value) == message


@pytest.mark.parametrize("row", [r for r in BAD if r[1] is not None], ids=_id)
def test_the_python_api_refuses_with_the_same_line(row, tmp_path):
    name, value, message, _ = row
    with pytest.raises(ConfigError) as err:
        groundup.run("logistic-synthetic", impl="numpy", out=tmp_path / "never", quiet=True, **{name: value})
    assert str(err.value) == message
    assert not (tmp_path / "never").exists()


@pytest.mark.parametrize("row", BAD, ids=_id)
def test_a_config_json_with_the_value_is_damaged_with_the_same_line(row, tmp_path):
    name, value, message, _ = row
    where = tmp_path / "config.json"
    with pytest.raises(RunFolderError) as err:
        launch.settings_from_config({**Settings().as_dict(), name: value}, where)
    assert str(err.value) == f"{where}: damaged ({message})"


@pytest.mark.parametrize("row", [r for r in BAD if r[3] is not None], ids=_id)
def test_the_command_line_refuses_with_the_same_line(row, here, tmp_path):
    name, value, message, typed = row
    text, message = (value if isinstance(value, str) else repr(value), message) if typed == SAME else typed
    result = here("run", "logistic-synthetic", "--impl", "numpy", FLAGS[name], text, "--out", str(tmp_path / "never"))
    line = f"groundup run: error: argument {FLAGS[name]}: {message} (see 'groundup run --help')\n"
    assert result.returncode == 2 and result.stderr == line
    assert not (tmp_path / "never").exists()


def test_the_same_line_reaches_a_user_in_a_terminal():
    result = cli_run("run", "logistic-synthetic", "--impl", "numpy", "--seed", "-1")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"argument --seed: {SEED}-1" in result.stderr


def _folder_with(tmp_path, **settings):
    """A run folder whose config.json holds ``settings`` (refused before anything else is read)."""
    folder = tmp_path / "run"
    folder.mkdir()
    config = {"experiment": "logistic-synthetic", "preset": "quick", "impl": "numpy",
              "settings": {**Settings().as_dict(), **settings}}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_resuming_a_damaged_config_json_refuses_it_in_the_same_words(tmp_path, here):
    folder = _folder_with(tmp_path, lr=-1, momentum=1)
    line = f"{folder / 'config.json'}: damaged ({LR}-1)"  # the first bad setting in field order
    result = here("run", "logistic-synthetic", "--resume", str(folder))
    assert result.returncode == 2 and result.stderr == f"groundup: error: {line}\n"
    with pytest.raises(RunFolderError) as refused:
        groundup.resume(folder)
    assert str(refused.value) == line


def test_an_absurd_count_in_config_json_or_on_resume_is_refused(tmp_path, here):
    """--epochs 10**30 (typed, or in a run's config.json) would train until someone noticed."""
    folder = _folder_with(tmp_path, epochs=10**30)
    result = here("run", "logistic-synthetic", "--resume", str(folder))
    assert result.stderr == f"groundup: error: {folder / 'config.json'}: damaged ({EPOCHS}{10**30})\n"
    result = here("run", "logistic-synthetic", "--resume", str(folder), "--epochs", str(10**30))
    assert result.returncode == 2 and f"argument --epochs: {EPOCHS}{10**30}" in result.stderr


def test_unknown_settings_are_named_everywhere(tmp_path):
    with pytest.raises(ConfigError, match=r"^unknown setting\(s\): speed$"):
        groundup.run("logistic-synthetic", impl="numpy", out=tmp_path / "never", speed=3)
    with pytest.raises(RunFolderError, match=r"damaged \(unknown setting\(s\): speed\)$"):
        launch.settings_from_config({"speed": 9}, tmp_path / "config.json")
    with pytest.raises(ConfigError, match=r"^unknown setting\(s\): speed$"):
        Settings().with_overrides(speed=9)


def test_edge_values_are_accepted_everywhere(tmp_path):
    edge = dict(lr=1e30, seed=2**32 - 1, epochs=1, batch_size=1, momentum=0, weight_decay=0, train_limit=None)
    assert Settings(epochs=10**6, batch_size=10**9, train_limit=10**9, test_limit=10**9).epochs == 10**6
    settings = Settings(**edge)
    assert (settings.lr, settings.seed, settings.momentum, settings.train_limit) == (1e30, 2**32 - 1, 0.0, None)
    assert launch.settings_from_config(json.loads(json.dumps(settings.as_dict())), tmp_path) == settings
    args = build_parser().parse_args(["run", "logistic-synthetic", "--lr", "1e30", "--seed", "4294967295",
                                      "--epochs", "1", "--batch-size", "1", "--device", "auto", "--threads", "1024"])
    assert (args.lr, args.seed, args.epochs, args.batch_size, args.device, args.threads) == (
        1e30, 2**32 - 1, 1, 1, "auto", 1024)


def test_values_are_kept_in_their_plain_types():
    s = Settings(seed=np.int64(3), epochs=np.int32(2), lr=1, momentum=np.float32(0.5))
    assert type(s.seed) is int and type(s.epochs) is int and type(s.lr) is float and type(s.momentum) is float
    assert json.loads(json.dumps(s.as_dict()))["seed"] == 3  # a NumPy integer would not be JSON


@pytest.mark.parametrize("value, shown", [(0, "0"), (True, "True"), (2**40, str(2**40)), ("AUTO", "'AUTO'"),
                                          ("2", "'2'")])
def test_threads_are_refused_in_the_same_words(value, shown, tmp_path):
    message = f"threads must be 'auto' or an integer from 1 to 1024, got {shown}"
    with pytest.raises(ConfigError) as err:
        groundup.run("logistic-synthetic", impl="numpy", out=tmp_path / "never", threads=value)
    assert str(err.value) == message
    if isinstance(value, int) and not isinstance(value, bool):
        with pytest.raises(ConfigError) as err:
            threads.parse(str(value))
        assert str(err.value) == message
    assert threads.parse(" Auto ") == "auto" and threads.parse("2") == 2


def test_implementations_are_refused_in_the_same_words(tmp_path, here):
    message = "unknown implementation 'keras'; choose from: numpy, scratch, nn, all"
    with pytest.raises(ConfigError) as err:
        groundup.run("logistic-synthetic", impl="keras", out=tmp_path / "never")
    assert str(err.value) == message
    result = here("run", "logistic-synthetic", "--impl", "keras")
    assert result.returncode == 2 and f"argument --impl: {message} " in result.stderr
    with pytest.raises(ConfigError, match=message):
        launch.start("logistic-synthetic", "keras", out=tmp_path / "never")
