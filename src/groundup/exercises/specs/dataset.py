"""dataset (004 §8): a Dataset over the diabetes table and mini-batches in a seeded shuffled order."""

from __future__ import annotations

import numpy as np

from groundup.data.batches import batch_slices, epoch_order
from groundup.errors import GroundupError
from groundup.exercises.checking import Exercise, checks
from groundup.exercises.hints import Failed, Mistake, compare
from groundup.exercises.inuse import RecordingDense, step_by_step, train
from groundup.core.models import DenseSpec, init_dense
from groundup.training.train import Split

SPEC = DenseSpec((8, 6, 4, 1), activation="sigmoid", loss="bce")
IN_USE = dict(epochs=30, batch_size=32, lr=3.0, schedule="cosine", seed=0)  # diabetes-minibatch quick


def table(seed: int = 0, n: int = 10):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 8)), rng.integers(0, 2, n)


def ref_batches(x, y, batch_size, order):
    return [(x[order[s]], y[order[s]]) for s in batch_slices(len(order), batch_size)]


def dataset_of(sub, x, y):
    obj = sub("DiabetesDataset", x, y, keep=True)
    if not (isinstance(obj, dict) and "__object__" in obj):
        raise Failed("DiabetesDataset(x, y) did not create an object", "return-values",
                     names="a class DiabetesDataset with __len__ and __getitem__")
    return obj


def check_dataset(sub) -> str:
    x, y = table()
    ds = dataset_of(sub, x, y)
    n = sub((ds["__object__"], "__len__"))
    if n != len(y):
        raise Failed(f"len(dataset): expected {len(y)} rows, got {n}", "return-values",
                     names="__len__ returns the number of rows")
    for i in (0, 3, len(y) - 1):
        item = sub((ds["__object__"], "__getitem__"), i)
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise Failed(f"dataset[{i}]: expected (features, label), got {type(item).__name__}", "return-values",
                         names="return x[i], y[i]")
        compare(f"dataset[{i}]'s features", item[0], x[i], inputs=(i,), mistakes=(
            Mistake(lambda i: x[:, i] if i < x.shape[1] else None, "getitem-column"),))
        compare(f"dataset[{i}]'s label", item[1], float(y[i]))
    return f"len and dataset[i] give the table's {len(y)} rows"


def check_order(sub) -> str:
    n, seed = 12, 5
    orders = [sub("epoch_order", n, seed, e) for e in (0, 1)]
    for e, got in enumerate(orders):
        if not isinstance(got, np.ndarray) or sorted(got.tolist()) != list(range(n)):
            raise Failed(f"epoch_order({n}, {seed}, {e}): expected a permutation of 0..{n - 1}, got "
                         f"{getattr(got, 'tolist', lambda: got)()}", "not-a-permutation")
    if np.array_equal(orders[0], orders[1]):
        raise Failed("epoch_order gives the same order in epochs 0 and 1", "same-order-every-epoch")
    again = sub("epoch_order", n, seed, 1)
    if not np.array_equal(again, orders[1]):
        raise Failed("epoch_order(n, seed, 1) changed between two calls", "order-not-reproducible")
    return compare("epoch_order(12, 5, 1)", orders[1].astype(float), epoch_order(n, seed, 1).astype(float))


def check_batches(sub, n: int = 12, batch_size: int = 4) -> str:
    x, y = table(1, n)
    ds = dataset_of(sub, x, y)
    order = np.random.default_rng(2).permutation(n)
    got = sub("batches", ds, batch_size, order)
    want = ref_batches(x, y, batch_size, order)
    if not isinstance(got, list | tuple):
        raise Failed(f"batches: expected a list of (x, y) pairs, got {type(got).__name__}", "return-values",
                     names="a list of (x, y) pairs")
    if len(got) != len(want):
        why = "last-batch-dropped" if len(got) == n // batch_size else "unexplained"
        raise Failed(f"batches of {batch_size} from {n} rows: expected {len(want)} batches, got {len(got)}", why)
    for k, (item, (wx, wy)) in enumerate(zip(got, want)):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise Failed(f"batch {k}: expected (x, y), got {type(item).__name__}", "return-values",
                         names="a list of (x, y) pairs")
        compare(f"batch {k}'s x", item[0], wx, inputs=(k,), mistakes=(
            Mistake(lambda k: x[batch_slices(n, batch_size)[k]], "batches-table-order"),))
        compare(f"batch {k}'s y", item[1], wy.astype(float))
    return f"{len(want)} batches of {batch_size} from {n} rows in the given order"


def check_in_use(sub) -> str:
    from groundup.data.tabular import load_diabetes
    from groundup.experiments.diabetes import TEST_FRACTION, stratified_split

    try:
        t = load_diabetes()
    except GroundupError as err:
        raise Failed(f"the in-use run needs the diabetes table: {err}", "missing-table") from None
    tr, te = stratified_split(t.y, TEST_FRACTION, 0)
    split = Split(t.x[tr], t.y[tr], t.x[te], t.y[te])
    params = init_dense(SPEC, 0)

    def learner_batches(learner, x, y, batch_size, seed, shuffle):
        ds = dataset_of(sub, x, y)

        def batches(epoch):
            order = sub("epoch_order", len(x), seed, epoch)
            for pair in sub("batches", ds, batch_size, order):
                if not (isinstance(pair, tuple | list) and len(pair) == 2):
                    raise Failed("batches did not return (x, y) pairs", "return-values", names="a list of (x, y) pairs")
                yield np.asarray(pair[0], dtype=np.float64), np.asarray(pair[1], dtype=np.float64)

        return batches, len(batch_slices(len(x), batch_size))

    mine, ref = [], []
    lr = IN_USE["lr"]
    h = train(RecordingDense(SPEC, params, lr=lr, dtype="float64", record=mine), split,
              batch_source=learner_batches, **IN_USE)
    hr = train(RecordingDense(SPEC, params, lr=lr, dtype="float64", record=ref), split, **IN_USE)
    what = "the diabetes mini-batch run (8-6-4-1, batch 32, 30 epochs)"
    return (f"{what}: {step_by_step(mine, ref, what)}; test accuracy {h.last.test_accuracy:.4f} "
            f"(reference {hr.last.test_accuracy:.4f})")


EXERCISE = Exercise(
    name="dataset", section="004 §8",
    asks="a Dataset over the diabetes table, a seeded shuffle per epoch, mini-batches",
    functions=("DiabetesDataset", "epoch_order", "batches"), by_hand=False,
    checks=checks(
        ("Dataset: len and rows", check_dataset),
        ("epoch_order: a seeded shuffle per epoch", check_order),
        ("batches", check_batches),
        ("batches, last batch smaller", lambda sub: check_batches(sub, 11, 4)),
        ("in use: the diabetes mini-batch run", check_in_use, True),
    ))
