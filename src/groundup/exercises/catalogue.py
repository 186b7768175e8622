"""The exercises in course order, and their scaffolds (package data, never the solutions)."""

from __future__ import annotations

from importlib import import_module, resources

from groundup.errors import ConfigError
from groundup.exercises.checking import Exercise
from groundup.i18n import current, t

# Course order, as in the course write-ups: linear model and gradient descent (004 §1-3),
# logistic and softmax regression (000 §2-3), the MLP's layer and optimiser (001, 004 §9),
# the CNN (004 §10), the RNN (004), the Dataset of the diabetes network (004 §8).
ORDER = ("linear-model", "gradient-descent", "logistic-regression", "softmax-regression", "linear-layer", "sgd-momentum", "conv-layer", "rnn-cell", "dataset")


def exercises() -> dict[str, Exercise]:
    """name -> Exercise, in course order (each spec module is imported on first use)."""
    return {name: import_module(f"groundup.exercises.specs.{name.replace('-', '_')}").EXERCISE
            for name in ORDER}


def get(name: str) -> Exercise:
    if name not in ORDER:
        raise ConfigError(t("exercise.unknown", name=repr(name), names=", ".join(ORDER)))
    return import_module(f"groundup.exercises.specs.{name.replace('-', '_')}").EXERCISE


def from_file_name(file_name: str) -> str | None:
    """The exercise a file or notebook is named after (softmax_regression.py or
    softmax_regression.ipynb -> softmax-regression), or None."""
    stem = file_name.removesuffix(".py").removesuffix(".ipynb").replace("_", "-")
    return stem if stem in ORDER else None


def scaffold(name: str, lang: str | None = None) -> str:
    """The scaffold's text: signatures, docstrings with the math and shapes, NotImplementedError;
    in ``lang`` (default: the current language), whose scaffolds are in ``scaffolds/<lang>/``
    (English ones at the top)."""
    lang = lang or current()
    file_name = name.replace("-", "_") + ".py"
    folder = resources.files("groundup.exercises").joinpath("scaffolds")
    localised = folder.joinpath(lang, file_name)
    return (localised if lang != "en" and localised.is_file() else folder.joinpath(file_name)).read_text(encoding="utf-8")
