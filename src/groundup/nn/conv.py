"""The course's CNN as a ``torch.nn.Module`` (004 §10), trained with nn.CrossEntropyLoss and
optim.SGD."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from groundup.core.models_cnn import ConvSpec, as_images
from groundup.nn.learner import NNLearner


class CourseCNN(nn.Module):
    """conv(1→10, 5×5) → max-pool 2 → ReLU → conv(10→20, 5×5) → max-pool 2 → ReLU → linear(320→10).

    The course's ``Net`` with its sizes read from a ``ConvSpec``. Its forward applies ReLU
    before pooling; here pooling comes first: max(relu(a), relu(b)) = relu(max(a, b)), so the
    outputs and gradients are the same, and ReLU runs on a quarter of the pixels.
    """

    def __init__(self, spec: ConvSpec = ConvSpec()):
        super().__init__()
        (c_in, c1, c2), k = spec.channels, spec.kernel_size
        self.conv1 = nn.Conv2d(c_in, c1, kernel_size=k)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=k)
        self.pooling = nn.MaxPool2d(spec.pool)
        self.fc = nn.Linear(spec.n_features, spec.n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, 1, 28, 28) -> logits (N, 10)."""
        x = F.relu(self.pooling(self.conv1(x)))  # (N, 10, 12, 12)
        x = F.relu(self.pooling(self.conv2(x)))  # (N, 20, 4, 4)
        return self.fc(torch.flatten(x, 1))  # (N, 320) -> (N, 10)


class NNConv(NNLearner):
    """The CNN as ``CourseCNN``; training, optim.SGD and checkpoints are ``NNLearner``'s, the
    same as the dense network's."""

    impl = "nn"

    def build(self, spec: ConvSpec) -> nn.Module:
        # channels_last stores each pixel's channels side by side: the same numbers, but torch's
        # CPU convolution and max-pool kernels run about a third faster on that layout (moving
        # the model to its dtype afterwards keeps the layout)
        return CourseCNN(spec).to(memory_format=torch.channels_last)

    def prepare(self, x: np.ndarray, y: np.ndarray):
        return super().prepare(as_images(x, self.spec), y)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return super().outputs(as_images(x, self.spec))
