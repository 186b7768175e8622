"""A correct sgd-momentum submission."""


def sgd_step(param, grad, velocity, lr, momentum, weight_decay):
    g = grad + weight_decay * param
    v = momentum * velocity + g
    return param - lr * v, v
