"""conv-layer (004 §10): 2-D convolution (stride 1, no padding) and 2×2 max-pooling, forward and backward."""

from __future__ import annotations

import functools

import numpy as np

from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.exercises.inuse import (cached_reference, data_checksums, load_images, recording, step_by_step,
                                      subset, train)

FUNCTIONS = ("conv2d_forward", "conv2d_backward", "maxpool_forward", "maxpool_backward")
IN_USE = dict(epochs=1, batch_size=64, lr=0.01, seed=0)  # the course's CNN settings, one epoch
# The first 1,920 training images (30 steps, each compared with the reference's) and 1,000 test
# images (evaluated with the reference's layers): a few seconds for a vectorised solution, about
# 15 s for one written with Python loops over the output pixels (0.4 s a step on a 2-core
# machine), well inside the time limit.
N_TRAIN, N_TEST = 1920, 1000
SETTINGS = dict(lr=IN_USE["lr"], momentum=0.5, dtype="float64")


def ref():
    """The reference module (branch cnn's numpy_impl.conv), imported when a check needs it."""
    from groundup.numpy_impl import conv

    return conv


def conv_inputs(seed: int = 0, n: int = 2):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 1, (n, 2, 6, 5)), rng.normal(0, 1, (3, 2, 3, 3)), rng.normal(0, 1, 3),
            rng.normal(0, 1, (n, 3, 4, 3)))


def three(got, what: str):
    if not (isinstance(got, tuple | list) and len(got) == 3):
        raise Failed(f"{what}: expected (dx, dw, db), got {type(got).__name__}", "return-values",
                     names="return dx, dw, db")
    return got


def check_forward(sub) -> str:
    x, w, b, _ = conv_inputs()
    return compare("conv2d_forward(x, w, b)", sub("conv2d_forward", x, w, b), ref().conv2d_forward(x, w, b),
                   inputs=(x, w, b), mistakes=(
                       Mistake(lambda x, w, b: ref().conv2d_forward(x, w[:, :, ::-1, ::-1], b), "kernel-flipped"),
                       Mistake(lambda x, w, b: ref().conv2d_forward(x, w, 0 * b), "bias-missing"),))


def check_backward(sub, n: int = 2) -> str:
    x, w, b, dout = conv_inputs(1, n)
    dx, dw, db = three(sub("conv2d_backward", dout, x, w), "conv2d_backward")
    want = ref().conv2d_backward(dout, x, w)
    compare("dx", dx, want[0], batch=n, inputs=(dout, w), mistakes=(
        Mistake(dx_overwritten_by_offset, "conv-dx-overwritten"),
        Mistake(dx_overwritten_by_window, "conv-dx-overwritten"),
        Mistake(dx_overwritten_by_window_and_filter, "conv-dx-overwritten"),
        Mistake(lambda dout, w: want[0] / len(dout), "grad-divided-by-batch"),))
    compare("dw", dw, want[1], batch=n, inputs=(dout, x, w), mistakes=(
        Mistake(lambda dout, x, w: want[1][:, :, ::-1, ::-1], "dw-flipped"),
        Mistake(lambda dout, x, w: want[1] / len(x), "grad-divided-by-batch"),))
    compare("db", db, want[2], batch=n, inputs=(dout,), mistakes=(
        Mistake(lambda dout: dout.sum(axis=(2, 3)).mean(axis=0) if dout.ndim == 4 else None, "db-mean-over-batch"),
        Mistake(lambda dout: dout.sum(axis=0).sum(axis=(1, 2)) / (dout.shape[2] * dout.shape[3]),
                "db-mean-over-pixels"),))
    return f"dx, dw and db match the reference (batch of {n})"


def dx_overwritten_by_offset(dout, w):
    """dx as a loop over the kernel offsets (u, v) computes it with ``=`` instead of ``+=``: each
    input pixel keeps only the contribution of the last offset that reached it."""
    n, o, oh, ow = dout.shape
    _, c, k, _ = w.shape
    dx = np.zeros((n, c, oh + k - 1, ow + k - 1))
    for u in range(k):
        for v in range(k):
            dx[:, :, u:u + oh, v:v + ow] = np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])
    return dx


def dx_overwritten_by_window(dout, w):
    """dx as a loop over the output pixels (i, j) computes it with ``=`` instead of ``+=``: each
    input pixel keeps only the contribution of the last window that covered it."""
    n, o, oh, ow = dout.shape
    _, c, k, _ = w.shape
    dx = np.zeros((n, c, oh + k - 1, ow + k - 1))
    for i in range(oh):
        for j in range(ow):
            dx[:, :, i:i + k, j:j + k] = np.einsum("no,ocuv->ncuv", dout[:, :, i, j], w)
    return dx


def dx_overwritten_by_window_and_filter(dout, w):
    """As ``dx_overwritten_by_window`` in a loop over the filters too: only the last filter's
    contribution of the last window that covered a pixel is left."""
    return dx_overwritten_by_window(dout[:, -1:], w[-1:])


def check_conv_gradcheck(sub) -> str:
    x, w, b, G = conv_inputs(2, 1)
    dx, dw, db = three(sub("conv2d_backward", G, x, w), "conv2d_backward")
    reduce = lambda y: float(np.sum(np.asarray(y) * G))  # noqa: E731 - L = Σ out·G, so dL/dout = G
    notes = [sub.gradcheck(f"{name} of L = sum(conv2d_forward(x, w, b) * dout)", g,
                           sub.numerical_gradient("conv2d_forward", [x, w, b], i, reduce=reduce))
             for i, (name, g) in enumerate((("dx", dx), ("dw", dw), ("db", db)))]
    return "dx, dw, db: " + notes[-1]


def pool_inputs():
    """Windows with one maximum, with a tie (MNIST's blank background ties whole windows), an odd edge."""
    x = np.array([[[[1.0, 3.0, 0.0, 0.0, 7.0], [2.0, -1.0, 0.0, 0.0, 8.0],
                    [5.0, 5.0, -2.0, 4.0, 9.0], [1.0, 5.0, 4.0, -3.0, 1.0], [6.0, 6.0, 6.0, 6.0, 6.0]]]])
    dout = np.array([[[[1.0, -2.0], [3.0, 0.5]]]])
    return x, dout


def window_max(x, rows, cols, size=2):
    """The max over the size×size window starting at each (row, col) given (cut at the edge)."""
    return np.stack([np.stack([x[:, :, i:i + size, j:j + size].max(axis=(2, 3)) for j in cols], -1)
                     for i in rows], -2)


def pool_stride_one(x, size=2):
    """Max over every size×size window, moved one pixel at a time (overlapping windows)."""
    return window_max(x, range(x.shape[2] - size + 1), range(x.shape[3] - size + 1), size)


def pool_keeps_edge(x, size=2):
    """Max-pooling that keeps the partial windows of an odd edge (as ceil_mode=True does)."""
    return window_max(x, range(0, x.shape[2], size), range(0, x.shape[3], size), size)


def check_pool_forward(sub) -> str:
    x, _ = pool_inputs()
    return compare("maxpool_forward(x) (5×5: the last row and column dropped)", sub("maxpool_forward", x, 2),
                   ref().maxpool_forward(x, 2), inputs=(x,), mistakes=(
                       Mistake(pool_stride_one, "pool-stride-one"),
                       Mistake(pool_keeps_edge, "pool-keeps-edge"),))


def tie_mistakes(x, dout):
    n, c, h, w = x.shape
    up = np.repeat(np.repeat(dout, 2, axis=2), 2, axis=3)
    pooled = np.repeat(np.repeat(ref().maxpool_forward(x, 2), 2, axis=2), 2, axis=3)
    full = np.zeros_like(x)
    all_max = full.copy()
    all_max[:, :, :h // 2 * 2, :w // 2 * 2] = (x[:, :, :h // 2 * 2, :w // 2 * 2] == pooled)
    counts = np.repeat(np.repeat(all_max[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2)
                                 .sum(axis=(3, 5)), 2, axis=2), 2, axis=3)
    every, shared, spread = full.copy(), full.copy(), full.copy()
    every[:, :, :h // 2 * 2, :w // 2 * 2] = all_max[:, :, :h // 2 * 2, :w // 2 * 2] * up
    shared[:, :, :h // 2 * 2, :w // 2 * 2] = all_max[:, :, :h // 2 * 2, :w // 2 * 2] * up / counts
    spread[:, :, :h // 2 * 2, :w // 2 * 2] = up / 4
    last = ref().maxpool_backward(dout[:, :, ::-1, ::-1], x[:, :, ::-1, ::-1])[:, :, ::-1, ::-1]
    return (Mistake(lambda: every, "pool-gradient-to-ties"),
            Mistake(lambda: shared, "pool-gradient-shared"),
            Mistake(lambda: last, "pool-gradient-to-last"),
            Mistake(lambda: spread, "pool-gradient-spread"))


def check_pool_backward(sub) -> str:
    x, dout = pool_inputs()
    got = sub("maxpool_backward", dout, x, 2)
    return compare("maxpool_backward(dout, x) with tied maxima", got, ref().maxpool_backward(dout, x, 2),
                   mistakes=tie_mistakes(x, dout))


def check_pool_gradcheck(sub) -> str:
    rng = np.random.default_rng(5)
    x = rng.permutation(2 * 3 * 4 * 4).reshape(2, 3, 4, 4) / 7.0  # distinct values: no ties, no kinks
    G = rng.normal(0, 1, (2, 3, 2, 2))
    return sub.gradcheck("maxpool_backward against maxpool_forward", sub("maxpool_backward", G, x, 2),
                         sub.numerical_gradient("maxpool_forward", [x, 2], 0,
                                                reduce=lambda y: float(np.sum(np.asarray(y) * G))))


class LearnerOps:
    """The four layer functions of the CNN, each a call into the learner's file."""

    def __init__(self, sub):
        self.sub = sub

    def conv2d_forward(self, x, w, b):
        return self._array(self.sub("conv2d_forward", x, w, b), "conv2d_forward")

    def conv2d_backward(self, dout, x, w, input_grad=True):
        # the learner's backward always computes dx; a first layer (input_grad=False) drops it
        return three(self.sub("conv2d_backward", dout, x, w), "conv2d_backward")

    def maxpool_forward(self, x, size=2):
        return self._array(self.sub("maxpool_forward", x, size), "maxpool_forward")

    def maxpool_backward(self, dout, x, size=2):
        return self._array(self.sub("maxpool_backward", dout, x, size), "maxpool_backward")

    @staticmethod
    def _array(v, what):
        if not isinstance(v, np.ndarray):
            raise Failed(f"{what} returned {type(v).__name__}, expected an array", "not-an-array")
        return v


def mnist_split():
    return subset(load_images("mnist", normalise=True), N_TRAIN, N_TEST)


@functools.cache
def reference_run() -> tuple[tuple[float, ...], float]:
    """The reference CNN's loss at every step and its test accuracy (cached on disk)."""
    from groundup.core.models_cnn import ConvSpec, init_conv
    from groundup.numpy_impl.learner import NumpyConv

    def compute():
        losses: list[float] = []
        spec = ConvSpec()
        h = train(recording(NumpyConv(spec, init_conv(spec, 0), **SETTINGS), losses), mnist_split(), **IN_USE)
        return tuple(losses), h.last.test_accuracy

    return cached_reference("conv-layer", (IN_USE, SETTINGS, N_TRAIN, N_TEST), compute, data_checksums("mnist"))


def evaluated_by_reference(learner):
    """Evaluate (the loss and accuracy after each epoch) with the reference's layers on the
    parameters the learner's functions trained: the training steps are the learner's, the
    thousands of forward passes of an evaluation need not be."""
    layers = [layer for layer in learner.net.layers if hasattr(layer, "ops")]
    evaluate = learner.evaluate

    def by_reference(x, y):
        saved = [layer.ops for layer in layers]
        for layer in layers:
            layer.ops = ref()
        try:
            return evaluate(x, y)
        finally:
            for layer, ops in zip(layers, saved):
                layer.ops = ops

    learner.evaluate = by_reference
    return learner


def check_in_use(sub) -> str:
    from groundup.core.models_cnn import ConvSpec, init_conv
    from groundup.numpy_impl.learner import NumpyConv

    spec = ConvSpec()
    mine: list[float] = []
    learner = NumpyConv(spec, init_conv(spec, 0), ops=LearnerOps(sub), **SETTINGS)
    h = train(evaluated_by_reference(recording(learner, mine)), mnist_split(), sub=sub, **IN_USE)
    want, acc = reference_run()
    what = f"one epoch of the course CNN on {N_TRAIN:,} MNIST images (batch 64, lr 0.01, momentum 0.5)"
    return (f"{what}: {step_by_step(mine, list(want), what)}; test accuracy {h.last.test_accuracy:.4f} "
            f"(reference {acc:.4f})")


EXERCISE = Exercise(
    name="conv-layer", section="004 §10",
    asks="conv2d forward and backward (stride 1, no padding), 2×2 max-pool forward and backward",
    functions=FUNCTIONS,
    checks=checks(
        ("conv2d_forward values", check_forward),
        ("conv2d_backward values", check_backward),
        ("conv2d_backward gradient check", check_conv_gradcheck),
        ("conv2d_backward, batch of one", lambda sub: check_backward(sub, 1)),
        ("maxpool_forward values", check_pool_forward),
        ("maxpool_backward with ties", check_pool_backward),
        ("maxpool_backward gradient check", check_pool_gradcheck),
        ("in use: one epoch of the course CNN", check_in_use, True),
    ))
