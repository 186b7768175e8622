"""A wrong sgd-momentum submission: dampening."""


def sgd_step(param, grad, velocity, lr, momentum, weight_decay):
    g = grad + weight_decay * param
    v = momentum * velocity + (1 - momentum) * g
    return param - lr * v, v
