"""Which class implements which model: the one place that maps (model spec, implementation)
to a learner class. Specs are plain data and the learners import the specs, never this.

Adding a model: a spec (a frozen dataclass with ``loss``, ``task``, ``describe()`` and
``init_params(settings)``), one learner per implementation, and one line per implementation
in ``LEARNERS`` below.
"""

from __future__ import annotations

from groundup.errors import ConfigError
from groundup.core.learner import UNSET_LR, Learner
from groundup.core.models import IMPLS, DenseSpec
from groundup.core.models_cnn import ConvSpec
from groundup.core.models_rnn import RNNSpec
from groundup.nn.conv import NNConv
from groundup.nn.learner import NNDense
from groundup.nn.rnn import NNRNN
from groundup.numpy_impl.learner import NumpyConv, NumpyDense
from groundup.numpy_impl.rnn import NumpyRNN
from groundup.scratch.conv import ScratchConv
from groundup.scratch.learner import ScratchDense
from groundup.scratch.rnn import ScratchRNN

LEARNERS: dict[type, dict[str, type]] = {
    DenseSpec: {"numpy": NumpyDense, "scratch": ScratchDense, "nn": NNDense},
    ConvSpec: {"numpy": NumpyConv, "scratch": ScratchConv, "nn": NNConv},
    RNNSpec: {"numpy": NumpyRNN, "scratch": ScratchRNN, "nn": NNRNN},
}


def impls_of(spec) -> tuple[str, ...]:
    """The implementations a model has, in ``IMPLS`` order (that of ``--impl all``)."""
    return tuple(i for i in IMPLS if i in LEARNERS.get(type(spec), {}))


def make_learner(impl: str, spec, params: dict, *, lr: float = UNSET_LR, momentum: float = 0.0,
                 weight_decay: float = 0.0, dtype: str = "float32", device: str = "cpu") -> Learner:
    """The learner of ``impl`` for ``spec``, built from shared initial parameters; ``lr`` only
    for one stepped by hand (``train.fit`` sets a run's)."""
    classes = LEARNERS.get(type(spec))
    if classes is None:
        raise ConfigError(f"no implementation is registered for {type(spec).__name__}")
    if impl not in classes:
        raise ConfigError(f"{spec.describe()} has no {impl!r} implementation; "
                          f"choose from: {', '.join(impls_of(spec))}")
    return classes[impl](spec, params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                         dtype=dtype, device=device)


def build_learner(spec, impl: str, params: dict, settings, device: str = "cpu") -> Learner:
    """``make_learner`` with a run's settings (``core.settings.Settings``); not its lr: ``train.fit``
    owns that, and sets its schedule's before every epoch."""
    return make_learner(impl, spec, params, momentum=settings.momentum,
                        weight_decay=settings.weight_decay, dtype=settings.dtype, device=device)
