"""Exercise sgd-momentum (course 001, 004 §9): the update rule of torch.optim.SGD, by hand.

Write the function below with NumPy only (no torch). The rule, for one parameter array p with
gradient g (of the MEAN loss) and velocity v (zeros before the first step):

    g <- g + weight_decay * p          (weight decay enters the gradient)
    v <- momentum * v + g              (dampening 0)
    p <- p - lr * v                    (not Nesterov)

Check your work with:  groundup check sgd_momentum.py
"""

import numpy as np


def sgd_step(param, grad, velocity, lr, momentum, weight_decay):
    """One step for one parameter array.

    param, grad, velocity: arrays of the same shape; lr, momentum, weight_decay: floats
    -> (new param, new velocity), both of param's shape
    """
    raise NotImplementedError
