"""A wrong sgd-momentum submission: decoupled decay."""


def sgd_step(param, grad, velocity, lr, momentum, weight_decay):
    v = momentum * velocity + grad
    return param - lr * v - lr * weight_decay * param, v
