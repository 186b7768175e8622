"""mlp-mnist and cnn-mnist: the course's two MNIST networks (001, 004 §9-10).

Both read MNIST once, scale it to [0, 1] and normalise it with the course's constants
(mean 0.1307, std 0.3081: the training set's pixel mean and standard deviation), the
work ``ToTensor`` and ``Normalize`` repeat for every sample in every epoch of the classic lab.
"""

from __future__ import annotations

import numpy as np

from groundup.data.preprocess import scale_images
from groundup.experiments.base import Experiment
from groundup.experiments.supervised import Data, Outcome, Task, image_data, image_prediction_figures, run
from groundup.i18n import ft, t
from groundup.core.models import IMPLS, DenseSpec
from groundup.core.models_cnn import ConvSpec, n_parameters
from groundup.training.registry import impls_of
from groundup.report import images
from groundup.report.markdown import figure

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081

MLP = DenseSpec((784, 512, 256, 128, 64, 10), "relu", "ce")
CNN = ConvSpec()
MLP_PARAMETERS = sum(a * b + b for a, b in zip(MLP.sizes, MLP.sizes[1:]))
FIRST_LAYER = MLP.sizes[0] * MLP.sizes[1] + MLP.sizes[1]

# The course's settings for both networks: SGD lr 0.01 with momentum 0.5, batch 64, 10 epochs.
SEED = dict(epochs=10, batch_size=64, lr=0.01, momentum=0.5)
# Seconds: the same settings for 2 epochs on the first 20,000 training and 2,000 test images.
QUICK = dict(SEED, epochs=2, train_limit=20_000, test_limit=2_000)


def normalise(images_u8: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) -> float32 rows (n, 784): (x / 255 - 0.1307) / 0.3081, once."""
    return (scale_images(images_u8) - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)


def load(settings) -> Data:
    return image_data("mnist", settings, f"MNIST normalised as (x − {MNIST_MEAN}) / {MNIST_STD}")


def course_comparison(settings, n_train: int, n_test: int, acc: float) -> str:
    """The course's 97 % beside this run's accuracy, only when this run used the course's settings."""
    course = t("exp.mnist.course", epochs=SEED["epochs"], bs=SEED["batch_size"], lr=SEED["lr"],
               momentum=SEED["momentum"])
    same = (all(getattr(settings, k) == v for k, v in SEED.items())
            and settings.train_limit is None and n_train == 60_000 and n_test == 10_000)
    if same:
        return course + t("exp.mnist.same", acc=acc)
    return course + t("exp.mnist.not_same", epochs=settings.epochs, n_train=n_train, n_test=n_test,
                      bs=settings.batch_size, lr=settings.lr, momentum=settings.momentum)


def mlp_extras(o: Outcome, data: Data, folder):
    acc = o.history.last.test_accuracy
    analysis = [
        t("exp.mnist.mlp_params", n=n_parameters(o.params), first=FIRST_LAYER)
        + course_comparison(o.settings, len(data.split.y_train), len(data.split.y_test), acc),
        t("exp.mnist.mlp_init"),
    ]
    return image_prediction_figures(o, data, folder, f"{o.impl} · MNIST"), analysis, {"n_parameters": n_parameters(o.params)}


def cnn_extras(o: Outcome, data: Data, folder):
    w = o.params["conv1.weight"]  # (10, 1, 5, 5)
    filters = folder.save_figure(images.weight_images(
        w.reshape(len(w), -1), [ft("exp.mnist.filter", i=i + 1) for i in range(len(w))], w.shape[2:],
        ft("exp.mnist.kernels_title", impl=o.impl, n=len(w))), "filters.png")
    analysis = [t("exp.mnist.cnn_params", n=n_parameters(o.params), times=MLP_PARAMETERS / n_parameters(o.params),
                  mlp=MLP_PARAMETERS)] + [t(f"exp.mnist.cnn_{k}") for k in ("pool", "im2col", "float", "devices")]
    return ([*image_prediction_figures(o, data, folder, f"{o.impl} · MNIST"),
             figure(filters, t("exp.mnist.kernels_caption"))],
            analysis, {"n_parameters": n_parameters(o.params)})


EXPERIMENTS = [
    Experiment(name="mlp-mnist", title="A five-layer MLP on MNIST", section="001, 004 §9",
               model="MLP 784-512-256-128-64-10, ReLU", dataset="MNIST", impls=IMPLS,
               presets={"seed": SEED, "quick": QUICK}, run=run,
               task=Task(MLP, load, mlp_extras, vision="mnist", features=normalise), needs=("mnist",)),
    Experiment(name="cnn-mnist", title="A small CNN on MNIST", section="004 §10",
               model="CNN conv5-pool-conv5-pool-fc", dataset="MNIST", impls=impls_of(CNN),
               presets={"seed": SEED, "quick": QUICK}, run=run,
               task=Task(CNN, load, cnn_extras, vision="mnist", features=normalise), needs=("mnist",)),
]
