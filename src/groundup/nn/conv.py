"""The CNN with torch.nn modules: nn.Conv2d, nn.MaxPool2d, nn.ReLU, nn.Linear, trained with
nn.CrossEntropyLoss and optim.SGD."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from groundup.models_cnn import ConvSpec, as_images
from groundup.nn.learner import NNLearner


def build_net(spec: ConvSpec) -> nn.Sequential:
    """conv1, pool1, relu1, conv2, ..., flatten, fc: named, so the state_dict keys read
    "conv1.weight", ..., "fc.bias"."""
    layers: list[tuple[str, nn.Module]] = []
    for i, (c_in, c_out) in enumerate(zip(spec.channels, spec.channels[1:]), start=1):
        layers += [(f"conv{i}", nn.Conv2d(c_in, c_out, spec.kernel_size)),
                   (f"pool{i}", nn.MaxPool2d(spec.pool)),
                   (f"relu{i}", nn.ReLU())]
    layers += [("flatten", nn.Flatten()), ("fc", nn.Linear(spec.n_features, spec.n_classes))]
    return nn.Sequential(OrderedDict(layers))


class NNConv(NNLearner):
    """The CNN as ``build_net``'s modules; training, optim.SGD and checkpoints are
    ``NNLearner``'s, the same as the dense network's."""

    impl = "nn"

    def build(self, spec: ConvSpec) -> nn.Module:
        # channels_last stores each pixel's channels side by side: the same numbers, but torch's
        # CPU convolution and max-pool kernels run about a third faster on that layout (moving
        # the model to its dtype afterwards keeps the layout)
        return build_net(spec).to(memory_format=torch.channels_last)

    def prepare(self, x: np.ndarray, y: np.ndarray):
        return super().prepare(as_images(x, self.spec), y)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return super().outputs(as_images(x, self.spec))
