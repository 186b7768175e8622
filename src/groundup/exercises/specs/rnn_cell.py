"""rnn-cell (004 §11): the RNN cell (nn.RNNCell's rule) forward, and backpropagation through time."""

from __future__ import annotations

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.exercises.inuse import recording, step_by_step, train

N, D, H, T = 3, 4, 5, 4
KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def ref():
    """The reference module (branch rnn's numpy_impl.rnn), imported when a check needs it."""
    from groundup.numpy_impl import rnn

    return rnn


def params(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {"weight_ih": rng.normal(0, 0.5, (H, D)), "weight_hh": rng.normal(0, 0.5, (H, H)),
            "bias_ih": rng.normal(0, 0.5, H), "bias_hh": rng.normal(0, 0.5, H)}


def sequence(seed: int = 0, n: int = N):
    rng = np.random.default_rng(seed + 100)
    return rng.normal(0, 1, (T, n, D)), rng.normal(0, 1, (n, H)), rng.normal(0, 1, (T, n, H))


def unpack(got, what: str, n: int = 3):
    if not (isinstance(got, tuple | list) and len(got) == n and isinstance(got[-1], dict)):
        raise Failed(f"{what}: expected (dx, dh_prev, grads) with grads a dict, got {type(got).__name__}",
                     "return-values", names="return dx, dh_prev, {'weight_ih': ..., 'weight_hh': ..., "
                                            "'bias_ih': ..., 'bias_hh': ...}")
    missing = [k for k in KEYS if k not in got[-1]]
    if missing:
        raise Failed(f"{what}: grads has no {', '.join(missing)}", "return-values",
                     names="grads with the keys of p: " + ", ".join(KEYS))
    return got


def check_step_forward(sub) -> str:
    p = params()
    xs, h0, _ = sequence()
    return compare("rnn_step_forward(x, h_prev, p)", sub("rnn_step_forward", xs[0], h0, p),
                   ref().rnn_step_forward(xs[0], h0, p), inputs=(xs[0], h0), mistakes=(
                       Mistake(lambda x, h: x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"],
                               "tanh-missing"),
                       Mistake(lambda x, h: np.tanh(x @ p["weight_ih"].T + p["bias_ih"] + p["bias_hh"]),
                               "h-prev-unused"),))


def step_mistakes(dh, x, h_prev, h, p):
    def with_da(da, h_for_whh=h_prev):
        return {"weight_ih": da.T @ x, "weight_hh": da.T @ h_for_whh, "bias_ih": da.sum(0), "bias_hh": da.sum(0)}

    return {
        "raw": ("tanh-grad-skipped", dh),
        "one_minus_h": ("tanh-grad-one-minus-h", dh * (1 - h)),
        "tanh_of_h": ("tanh-grad-tanh-twice", dh * (1 - np.tanh(h) ** 2)),
    }, with_da


def check_step_backward(sub) -> str:
    p = params(1)
    xs, h_prev, dhs = sequence(1)
    x, dh = xs[0], dhs[0]
    h = ref().rnn_step_forward(x, h_prev, p)
    dx, dh_prev, grads = unpack(sub("rnn_step_backward", dh, x, h_prev, h, p), "rnn_step_backward")
    want_dx, want_dh, want_g = ref().rnn_step_backward(dh, x, h_prev, h, p)
    variants, with_da = step_mistakes(dh, x, h_prev, h, p)
    mistakes = tuple(Mistake(lambda da=da: da @ p["weight_ih"], hint) for hint, da in variants.values())
    compare("dx", dx, want_dx, batch=N, mistakes=mistakes)
    compare("dh_prev", dh_prev, want_dh, batch=N, mistakes=tuple(
        Mistake(lambda da=da: da @ p["weight_hh"], hint) for hint, da in variants.values()))
    da = dh * (1 - h * h)
    compare("grads['weight_hh']", grads["weight_hh"], want_g["weight_hh"], batch=N, mistakes=(
        Mistake(lambda: da.T @ h, "whh-from-h"),
        Mistake(lambda: h_prev.T @ da, "weights-transposed", {"got": (H, H), "want": (H, H)}),) + tuple(
        Mistake(lambda da=da: with_da(da)["weight_hh"], why) for why, da in variants.values()))
    for k in ("weight_ih", "bias_ih", "bias_hh"):
        compare(f"grads[{k!r}]", grads[k], want_g[k], batch=N, mistakes=tuple(
            Mistake(lambda da=da, k=k: with_da(da)[k], why) for why, da in variants.values()))
    return "dx, dh_prev and the four parameter gradients match the reference"


def check_forward(sub) -> str:
    p = params(2)
    xs, h0, _ = sequence(2)
    return compare("rnn_forward(xs, h0, p)", sub("rnn_forward", xs, h0, p), ref().rnn_forward(xs, h0, p),
                   inputs=(xs, h0), mistakes=(
                       Mistake(lambda xs, h0: np.stack([ref().rnn_step_forward(x, h0, p) for x in xs]),
                               "rnn-every-step-from-h0"),
                       Mistake(lambda xs, h0: np.concatenate([h0[None], ref().rnn_forward(xs, h0, p)[:-1]]),
                               "rnn-hs-shifted"),))


def check_bptt(sub) -> str:
    p = params(3)
    xs, h0, dhs = sequence(3)
    hs = ref().rnn_forward(xs, h0, p)
    dxs, dh0, grads = unpack(sub("rnn_backward", dhs, xs, h0, hs, p), "rnn_backward")
    want_dxs, want_dh0, want_g = ref().rnn_backward(dhs, xs, h0, hs, p)

    def no_carry():
        """Each step's own dhs only: what is left without the gradient from later steps."""
        outs = [ref().rnn_step_backward(dhs[t], xs[t], hs[t - 1] if t else h0, hs[t], p) for t in range(T)]
        return outs

    local = no_carry()
    carried = with_carry(dhs, xs, h0, hs, p)
    compare("dxs", dxs, want_dxs, batch=N, mistakes=(
        Mistake(lambda: np.stack([o[0] for o in local]), "bptt-carry-dropped"),))
    compare("dh0", dh0, want_dh0, batch=N, mistakes=(Mistake(lambda: local[0][1], "bptt-carry-dropped"),))
    for k in KEYS:
        compare(f"grads[{k!r}]", grads[k], want_g[k], batch=N, mistakes=(
            Mistake(lambda k=k: sum(o[2][k] for o in local), "bptt-carry-dropped"),
            # one step's gradients kept, the others overwritten: the last step walked (t = 0, in
            # reverse), the last step of the sequence (t = T-1), either with or without the carry
            Mistake(lambda k=k: carried[0][k], "bptt-grads-overwritten"),
            Mistake(lambda k=k: carried[-1][k], "bptt-grads-overwritten"),
            Mistake(lambda k=k: local[0][2][k], "bptt-grads-overwritten"),
            Mistake(lambda k=k: want_g[k] / T, "bptt-grads-averaged"),))
    return f"dxs, dh0 and the parameter gradients over {T} steps match the reference"


def with_carry(dhs, xs, h0, hs, p) -> list[dict]:
    """Each step's parameter gradients in the correct backward pass (with the carried dh), by t."""
    grads, carry = [None] * len(xs), np.zeros_like(h0)
    for t in range(len(xs) - 1, -1, -1):
        _, carry, grads[t] = ref().rnn_step_backward(dhs[t] + carry, xs[t], hs[t - 1] if t else h0, hs[t], p)
    return grads


def check_bptt_gradcheck(sub) -> str:
    p = params(4)
    xs, h0, G = sequence(4, n=2)
    hs = sub("rnn_forward", xs, h0, p)
    if not isinstance(hs, np.ndarray) or hs.shape != G.shape:
        raise Failed(f"rnn_forward returned {getattr(hs, 'shape', type(hs).__name__)}, expected {G.shape}")
    dxs, dh0, grads = unpack(sub("rnn_backward", G, xs, h0, hs, p), "rnn_backward")
    reduce = lambda y: float(np.sum(np.asarray(y) * G))  # noqa: E731 - L = Σ hs·G
    notes = [sub.gradcheck("dxs of L = sum(rnn_forward(xs, h0, p) * dhs)", dxs,
                           sub.numerical_gradient("rnn_forward", [xs, h0, p], 0, reduce=reduce)),
             sub.gradcheck("dh0", dh0, sub.numerical_gradient("rnn_forward", [xs, h0, p], 1, reduce=reduce))]
    w = p["weight_hh"]
    num = np.zeros_like(w)
    calls = []
    for idx in np.ndindex(w.shape):
        for sign in (1, -1):
            q = {k: v.copy() for k, v in p.items()}
            q["weight_hh"][idx] += sign * 1e-5
            calls.append([xs, h0, q])
    values = [reduce(v) for v in sub.many("rnn_forward", calls)]
    num[...] = ((np.array(values[0::2]) - np.array(values[1::2])) / 2e-5).reshape(w.shape)
    notes.append(sub.gradcheck("grads['weight_hh'] (through time)", grads["weight_hh"], num))
    return "dxs, dh0, dW_hh: " + notes[-1]


class LearnerOps:
    """rnn_forward and rnn_backward for NumpyRNN, each a call into the learner's file."""

    def __init__(self, sub):
        self.sub = sub

    def rnn_forward(self, xs, h0, p):
        hs = self.sub("rnn_forward", xs, h0, p)
        if not isinstance(hs, np.ndarray) or hs.shape != (*xs.shape[:2], h0.shape[1]):
            raise Failed(f"rnn_forward returned {getattr(hs, 'shape', type(hs).__name__)}", "in-use-differs")
        return hs

    def rnn_backward(self, dhs, xs, h0, hs, p):
        return unpack(self.sub("rnn_backward", dhs, xs, h0, hs, p), "rnn_backward")


def check_in_use(sub) -> str:
    from groundup.experiments import rnn_hello as hello
    from groundup.core.models_rnn import init_rnn
    from groundup.numpy_impl.rnn import NumpyRNN

    x, y = hello.ids(hello.SOURCE)[None], hello.ids(hello.TARGET)[None]
    from groundup.training.train import Split

    split = Split(x, y, x, y)
    settings = dict(epochs=15, batch_size=1, lr=0.1, seed=0)  # the course: 15 Adam steps, lr 0.1
    start = init_rnn(hello.CELL, 0)
    mine, want = [], []
    learner = recording(NumpyRNN(hello.CELL, start, lr=0.1, dtype="float64", ops=LearnerOps(sub)), mine)
    train(learner, split, sub=sub, task="classification", **settings)
    train(recording(NumpyRNN(hello.CELL, start, lr=0.1, dtype="float64"), want), split, **settings)
    what = '"hello" → "ohlol", 15 Adam steps (lr 0.1)'
    note = step_by_step(mine, want, what)
    said = hello.decode(learner.outputs(x)[0])
    if said != hello.TARGET:
        raise Failed(f'{what}: the trained cell says "{said}"', "in-use-differs")
    return f'{note}; the trained cell says "{said}"'


EXERCISE = Exercise(
    name="rnn-cell", section="004 §11",
    asks="the RNN cell forward (one step, a sequence) and backpropagation through time",
    functions=("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward"),
    checks=checks(
        ("rnn_step_forward values", check_step_forward),
        ("rnn_step_backward values", check_step_backward),
        ("rnn_forward values", check_forward),
        ("rnn_backward (through time) values", check_bptt),
        ("rnn_backward gradient check", check_bptt_gradcheck),
        ("in use: \"hello\" → \"ohlol\"", check_in_use, True),
    ))
