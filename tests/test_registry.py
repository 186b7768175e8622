"""The registry picks each implementation's learner class, every learner offers the whole
learner interface, and specs and settings refuse typos with a one-line ConfigError."""

from __future__ import annotations

import numpy as np
import pytest

from groundup.errors import ConfigError, Diverged
from groundup.core.settings import Settings
from groundup.core.learner import Learner
from groundup.core.models import DenseSpec, init_dense
from groundup.core.models_cnn import ConvSpec
from groundup.training.registry import LEARNERS, build_learner, impls_of, make_learner

SETTINGS = Settings(dtype="float64")


@pytest.mark.parametrize("spec", [DenseSpec((4, 3, 2)), ConvSpec(image_size=16)])
def test_every_registered_learner_implements_the_protocol(spec):
    assert impls_of(spec) == ("numpy", "scratch", "nn")
    params = spec.init_params(SETTINGS)
    for impl in impls_of(spec):
        learner = build_learner(spec, impl, params, SETTINGS)
        assert isinstance(learner, Learner) and learner.impl == impl and learner.spec is spec
        assert type(learner) is LEARNERS[type(spec)][impl]
        got = learner.parameters()
        assert list(got) == list(params)
        for k in params:
            np.testing.assert_array_equal(got[k], params[k])


def test_unknown_implementation_or_model_is_a_config_error():
    spec = DenseSpec((2, 1), loss="bce")
    with pytest.raises(ConfigError, match="no 'jax' implementation; choose from: numpy, scratch, nn"):
        make_learner("jax", spec, init_dense(spec, 0), lr=0.1)
    with pytest.raises(ConfigError, match="no implementation is registered for str"):
        make_learner("numpy", "a spec", {}, lr=0.1)


@pytest.mark.parametrize("build, match", [
    (lambda: DenseSpec((2, 4, 1), activation="relu6", loss="bce"), "unknown activation 'relu6'"),
    (lambda: DenseSpec((2, 1), loss="hinge"), "unknown loss 'hinge'"),
    (lambda: DenseSpec((2, 3), loss="mse"), "one output"),
    (lambda: DenseSpec((784,)), "two or more"),
    (lambda: DenseSpec((784, 0, 10)), "integers >= 1"),
    (lambda: ConvSpec(loss="mse"), "cross-entropy"),
    (lambda: ConvSpec(kernel_size=0), "integers >= 1"),
    (lambda: init_dense(DenseSpec((2, 1), loss="mse"), 0, "xavier"), "unknown init 'xavier'"),
    (lambda: Settings(schedule="cosin"), "unknown schedule 'cosin'; choose from: constant, cosine"),
    (lambda: Settings(init="he"), "unknown init 'he'"),
    (lambda: Settings(dtype="float16"), "unknown dtype 'float16'"),
    (lambda: Settings(device="gpu"), "unknown device 'gpu'"),
    (lambda: Settings(epochs=0), "epochs must be an integer >= 1"),
    (lambda: Settings(batch_size=2.5), "batch_size must be an integer >= 1"),
    (lambda: Settings(lr=-0.1), "lr must be a number > 0"),
    (lambda: Settings(lr="0.1"), "lr must be a number > 0"),
    (lambda: Settings(momentum=1.5), "momentum must be a number >= 0 and < 1"),
    (lambda: Settings(weight_decay=float("nan")), "weight_decay must be"),
    (lambda: Settings(train_limit=0), "train_limit must be"),
    (lambda: Settings().with_overrides(schedule="step"), "unknown schedule 'step'"),
])
def test_typos_and_bad_sizes_fail_where_they_are_built(build, match):
    with pytest.raises(ConfigError, match=match) as err:
        build()
    assert "\n" not in str(err.value)


def test_one_diverged_error_for_training_and_gradient_descent():
    from groundup.training import train
    from groundup.experiments import gradient_descent

    assert train.Diverged is Diverged and gradient_descent.Diverged is Diverged
    err = Diverged.at_epoch(3, 0.5, history=None)
    assert err.epoch == 3 and "--lr 0.05" in str(err) and err.exit_code == 1
