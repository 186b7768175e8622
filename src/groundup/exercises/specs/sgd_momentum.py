"""sgd-momentum (001, 004 §9): one step of SGD with momentum and weight decay, as torch.optim.SGD."""

from __future__ import annotations

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.exercises.inuse import MLP, mlp_run
from groundup.numpy_impl.learner import NumpyDense
from groundup.numpy_impl.losses import softmax_cross_entropy


def ref_step(p, g, v, lr, mu, wd):
    """torch.optim.SGD (dampening 0, not Nesterov): g += wd p; v = mu v + g; p -= lr v."""
    g = g + wd * p
    v = mu * v + g
    return p - lr * v, v


# Known wrong updates, each (p, g, v, lr, mu, wd) -> (p, v), with the id of the mistake.
MISTAKES = (
    (lambda p, g, v, lr, mu, wd: (p - (mu * v + lr * (g + wd * p)), mu * v + lr * (g + wd * p)), "lr-in-velocity"),
    (lambda p, g, v, lr, mu, wd: (p - lr * (mu * v + (1 - mu) * (g + wd * p)), mu * v + (1 - mu) * (g + wd * p)),
     "momentum-dampening"),
    (lambda p, g, v, lr, mu, wd: (p - lr * (mu * v + g - wd * p), mu * v + g - wd * p), "decay-sign"),
    (lambda p, g, v, lr, mu, wd: (p - lr * (mu * v + g) - lr * wd * p, mu * v + g), "decay-outside-velocity"),
    (lambda p, g, v, lr, mu, wd: (p + lr * (mu * v + g + wd * p), mu * v + g + wd * p), "step-uphill"),
    (lambda p, g, v, lr, mu, wd: (p - lr * ((g + wd * p) + mu * (mu * v + g + wd * p)), mu * v + g + wd * p),
     "nesterov"),
    (lambda p, g, v, lr, mu, wd: (p - lr * (mu * v + g), mu * v + g), "decay-missing"),
    (lambda p, g, v, lr, mu, wd: (p - lr * (g + wd * p), mu * v + g + wd * p), "step-uses-gradient"),
)


def inputs(seed: int):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (3, 4))


def step_check(sub, what: str, p, g, v, lr, mu, wd) -> str:
    got = sub("sgd_step", p, g, v, lr, mu, wd)
    if not (isinstance(got, tuple | list) and len(got) == 2):
        raise Failed(f"sgd_step: expected (new_param, new_velocity), got {type(got).__name__}", "return-values",
                     names="return p, v")
    want_p, want_v = ref_step(p, g, v, lr, mu, wd)
    args = (p, g, v, lr, mu, wd)
    for i, (name, want) in enumerate((("new parameter", want_p), ("new velocity", want_v))):
        compare(f"{what}: {name}", got[i], want, inputs=args,
                mistakes=tuple(Mistake(lambda *a, f=f, i=i: f(*a)[i], hint) for f, hint in MISTAKES))
    return f"{what}: parameter and velocity match torch.optim.SGD's rule"


def check_plain(sub) -> str:
    p, g, _ = inputs(0)
    return step_check(sub, "plain SGD (momentum 0, no decay)", p, g, np.zeros_like(p), 0.1, 0.0, 0.0)


def check_first_step(sub) -> str:
    p, g, _ = inputs(1)
    return step_check(sub, "first momentum step (velocity 0)", p, g, np.zeros_like(p), 0.1, 0.9, 0.0)


def check_momentum(sub) -> str:
    p, g, v = inputs(2)
    return step_check(sub, "momentum 0.9 with a velocity", p, g, v, 0.1, 0.9, 0.0)


def check_weight_decay(sub) -> str:
    p, g, v = inputs(3)
    return step_check(sub, "momentum 0.5 and weight decay 0.01", p, g, v, 0.05, 0.5, 0.01)


def check_lr_change(sub) -> str:
    p, g, v = inputs(4)
    return step_check(sub, "a learning rate that changed (0.3 after the velocity was built)", p, g, v, 0.3, 0.9, 0.0)


def check_in_use(sub) -> str:
    velocity: dict = {}

    def step(p, x, y, lr):
        net = NumpyDense(MLP, p, lr=lr, dtype="float64").net
        loss, dz = softmax_cross_entropy(net.forward(x), y)
        net.backward(dz)
        grads = net.named("grads")
        names = list(p)
        out = sub.many("sgd_step", [[p[k], grads[k], velocity.get(k, np.zeros_like(p[k])), lr, 0.5, 0.0]
                                    for k in names])
        new = {}
        for k, o in zip(names, out):
            if not (isinstance(o, tuple | list) and len(o) == 2):
                raise Failed("sgd_step did not return (new_param, new_velocity)", "return-values",
                             names="return p, v")
            new[k], velocity[k] = o
        return new, loss

    return mlp_run(step, momentum=0.5, sub=sub)


EXERCISE = Exercise(
    name="sgd-momentum", section="001, 004 §9",
    asks="one SGD step with momentum and weight decay, as torch.optim.SGD defines them",
    functions=("sgd_step",),
    checks=checks(
        ("plain SGD", check_plain),
        ("first step with momentum", check_first_step),
        ("momentum with a velocity", check_momentum),
        ("weight decay", check_weight_decay),
        ("a changed learning rate", check_lr_change),
        ("in use: the MLP with momentum 0.5", check_in_use, True),
    ))
