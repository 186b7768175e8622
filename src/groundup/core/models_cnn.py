"""The convolutional network of the course (004 §10), independent of who implements it.

``ConvSpec()`` is conv(1→10, 5×5) → max-pool 2 → ReLU → conv(10→20, 5×5) → max-pool 2 →
ReLU → linear(320→10): a 28×28 image shrinks to 24, 12, 8, 4, and 20 channels of 4×4 make
the 320 features of the last layer. It offers what every model spec offers (``loss``,
``task``, ``describe()``, ``init_params``); the parameter names are those of the ``nn``
model's state_dict (``nn.conv.CourseCNN``): "conv1.weight", "conv1.bias", ..., "fc.weight",
"fc.bias". ``numpy_impl``, ``scratch`` and ``nn`` implement it (see ``groundup.training.registry``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundup.errors import ConfigError

@dataclass(frozen=True)
class ConvSpec:
    channels: tuple[int, ...] = (1, 10, 20)  # input channels, then each conv layer's outputs
    kernel_size: int = 5  # square kernels, stride 1, no padding
    pool: int = 2  # max-pool window and stride after every convolution
    image_size: int = 28
    n_classes: int = 10
    loss: str = "ce"

    @property
    def task(self) -> str:
        return "classification"

    def __post_init__(self):
        if self.loss != "ce":
            raise ConfigError(f"the CNN classifies with softmax cross-entropy (loss 'ce'), not {self.loss!r}")
        sizes = (*self.channels, self.kernel_size, self.pool, self.image_size, self.n_classes)
        if not all(isinstance(n, int) and n >= 1 for n in sizes):
            raise ConfigError(f"the CNN's channels, kernel, pool, image and class counts must be "
                              f"integers >= 1, got {sizes}")
        if len(self.channels) != 3:
            raise ConfigError(f"the course's CNN has two convolutions: channels is (input, conv1, conv2), "
                              f"not {self.channels}")
        if self.feature_side < 1:
            raise ConfigError(f"a {self.image_size}×{self.image_size} image is too small for "
                              f"{len(self.conv_names)} convolutions of {self.kernel_size}×{self.kernel_size} "
                              f"each followed by a {self.pool}×{self.pool} max-pool")

    @property
    def conv_names(self) -> list[str]:
        return [f"conv{i + 1}" for i in range(len(self.channels) - 1)]

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return (self.channels[0], self.image_size, self.image_size)

    @property
    def feature_side(self) -> int:
        """Side of the last feature map: each conv takes k - 1 pixels off, each pool divides by p."""
        side = self.image_size
        for _ in self.conv_names:
            side = (side - self.kernel_size + 1) // self.pool
        return side

    @property
    def n_features(self) -> int:
        return self.channels[-1] * self.feature_side ** 2

    def init_params(self, settings) -> dict[str, np.ndarray]:
        if settings.init != "torch":
            raise ConfigError(f"the CNN only has torch's default initialisation, not {settings.init!r}")
        return init_conv(self, settings.seed)

    def multiply_adds(self) -> int:
        """Multiply-adds per sample of the forward pass: each convolution, then the linear layer."""
        side, total = self.image_size, 0
        for c_in, c_out in zip(self.channels, self.channels[1:]):
            side -= self.kernel_size - 1
            total += side * side * c_out * c_in * self.kernel_size ** 2
            side //= self.pool
        return total + side * side * self.channels[-1] * self.n_classes

    def describe(self) -> str:
        k, p = self.kernel_size, self.pool
        convs = [f"conv({a}→{b}, {k}×{k})-maxpool {p}-relu" for a, b in zip(self.channels, self.channels[1:])]
        return "-".join(convs) + f"-linear({self.n_features}→{self.n_classes}) (softmax output)"


def init_conv(spec: ConvSpec, seed: int) -> dict[str, np.ndarray]:
    """Initial parameters in float64, drawn once and shared by every implementation.

    What ``nn.Conv2d`` and ``nn.Linear`` draw by default: kaiming-uniform with a = √5 for
    the weights, whose bound gain·√(3 / fan_in) with gain = √(2 / (1 + a²)) = √(1/3) is
    exactly 1/√fan_in, and U(-1/√fan_in, 1/√fan_in) for the biases. A convolution's
    fan_in is in_channels · k · k: the number of inputs one output pixel sees.
    """
    rng = np.random.default_rng(seed)
    k = spec.kernel_size
    shapes = [(name, (c_out, c_in, k, k)) for name, c_in, c_out
              in zip(spec.conv_names, spec.channels, spec.channels[1:])]
    shapes.append(("fc", (spec.n_classes, spec.n_features)))
    params = {}
    for name, shape in shapes:
        bound = 1.0 / np.sqrt(np.prod(shape[1:]))
        params[f"{name}.weight"] = rng.uniform(-bound, bound, shape)
        params[f"{name}.bias"] = rng.uniform(-bound, bound, shape[0])
    return params


def as_images(x: np.ndarray, spec: ConvSpec) -> np.ndarray:
    """Rows of pixels (N, C·H·W) or images (N, C, H, W) -> images (N, C, H, W), a view."""
    if x.ndim < 2 or int(np.prod(x.shape[1:])) != int(np.prod(spec.input_shape)):
        raise ConfigError(f"the CNN expects images of shape {spec.input_shape} (or rows of "
                          f"{int(np.prod(spec.input_shape))} pixels), got an array of shape {x.shape}")
    return x.reshape(len(x), *spec.input_shape)


def n_parameters(params: dict[str, np.ndarray]) -> int:
    return int(sum(v.size for v in params.values()))
