"""mlp-mnist and cnn-mnist: the course's two MNIST networks (001, 004 §9-10).

Both read MNIST once, scale it to [0, 1] and normalise it with the course's constants
(mean 0.1307, std 0.3081: the training set's pixel mean and standard deviation), the
work ``ToTensor`` and ``Normalize`` repeat for every sample in every epoch of the classic lab.
"""

from __future__ import annotations

import numpy as np

from groundup.data import vision
from groundup.data.preprocess import scale_images
from groundup.experiments.base import Experiment
from groundup.experiments.supervised import Data, Outcome, Task, image_prediction_figures, run
from groundup.models import IMPLS, DenseSpec
from groundup.models_cnn import ConvSpec, n_parameters
from groundup.registry import impls_of
from groundup.report import images
from groundup.report.markdown import figure
from groundup.train import Split

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
    d = vision.load("mnist", settings.data_dir)
    split = Split(normalise(d.x_train), d.y_train, normalise(d.x_test), d.y_test)
    return Data(split, f"MNIST normalised as (x − {MNIST_MEAN}) / {MNIST_STD}", classes=list(d.spec.classes),
                image_shape=(28, 28), test_images=d.x_test, summary={"data_root": str(d.root)})


def mlp_extras(o: Outcome, data: Data, folder):
    acc = o.history.last.test_accuracy
    analysis = [
        f"The network has {n_parameters(o.params):,} parameters, {FIRST_LAYER:,} of them in the first "
        f"layer. The course's write-up (001) reports 97 % test accuracy after 10 epochs with these "
        f"settings, printed with `%d`: anything from 0.970 to 0.9799. This run ends at {acc:.4f}.",
        "Same initialisation in all three implementations: the weights and biases of every layer "
        "are drawn once, in NumPy, from U(−1/√fan_in, 1/√fan_in) (what nn.Linear draws), and "
        "loaded into each implementation; with the same batch order they follow the same "
        "trajectory: to 1e-8 in float64 (tests/test_mlp.py). In float32 NumPy's and torch's "
        "matrix products add in different orders, and training amplifies the rounding "
        "differences (to about 1e-2 in the weights after 10 epochs) while the loss and accuracy "
        "curves stay on top of each other (see the comparison of `--impl all`).",
    ]
    return image_prediction_figures(o, data, folder, f"{o.impl} · MNIST"), analysis, {"n_parameters": n_parameters(o.params)}


def cnn_extras(o: Outcome, data: Data, folder):
    w = o.params["conv1.weight"]  # (10, 1, 5, 5)
    filters = folder.save_figure(images.weight_images(
        w.reshape(len(w), -1), [f"filter {i + 1}" for i in range(len(w))], w.shape[2:],
        f"{o.impl}: the {len(w)} learned 5×5 kernels of conv1"), "filters.png")
    analysis = [
        f"The network has {n_parameters(o.params):,} parameters, "
        f"{MLP_PARAMETERS / n_parameters(o.params):.0f} times fewer than the MLP's {MLP_PARAMETERS:,}: "
        "each 5×5 kernel is shared by every position of the image.",
        "Max-pooling comes before ReLU here (conv → pool → ReLU); the course's code applies ReLU "
        "first. Both keep the larger of two values, so max(relu(a), relu(b)) = "
        "relu(max(a, b)) and the two orders compute the same network; this one runs ReLU on a "
        "quarter of the pixels.",
        "`numpy` writes the convolution's backward pass out (numpy_impl/conv.py, beside a loop "
        "version to read): im2col copies every 5×5 window into a row of one matrix, so the forward "
        "is one product and the weight gradient another, and col2im adds the windows' gradients "
        "back onto the image's pixels. The `scratch` convolution is the same im2col on tensors "
        "(`Tensor.unfold`), differentiated by autograd. Both max-pools give a 2×2 window's whole "
        "gradient to its first maximum in reading order, as nn.MaxPool2d does, which matters on "
        "MNIST's blank background where a window's values tie.",
        "In float64 the three implementations follow one trajectory (the tests prove 1e-8 over "
        "whole epochs, and every hand-written backward passes a gradient check by central "
        "differences). In float32 they drift apart, by about 1e-3 in the parameters after a "
        "hundred steps: im2col and torch's direct convolution add the same products in different "
        "orders, and when a pooling window's two largest values are closer than float32's "
        "rounding the implementations can pick different winners. The curves stay on top of "
        "each other.",
        "Devices: the training and test sets are converted to tensors once, on the device of the "
        "model (`--device`, where `auto` picks CUDA when present), so the course's error of moving "
        "the model to the GPU but feeding it CPU batches cannot happen.",
    ]
    return ([*image_prediction_figures(o, data, folder, f"{o.impl} · MNIST"),
             figure(filters, "The first layer's kernels (red: positive weights, blue: negative).")],
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
