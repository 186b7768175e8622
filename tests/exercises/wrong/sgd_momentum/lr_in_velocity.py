"""A wrong sgd-momentum submission: Sutskever's form."""


def sgd_step(param, grad, velocity, lr, momentum, weight_decay):
    g = grad + weight_decay * param
    v = momentum * velocity + lr * g
    return param - v, v
