"""练习 sgd-momentum（课程 001、004 §9）：手写 torch.optim.SGD 的更新规则。

只用 NumPy（不用 torch）写出下面的函数。对一个参数数组 p，其梯度为 g（平均损失的梯度），
速度为 v（第一步之前为零），规则是：

    g <- g + weight_decay * p          （权重衰减加进梯度）
    v <- momentum * v + g              （dampening 为 0）
    p <- p - lr * v                    （不用 Nesterov）

写好后检查：  groundup check sgd_momentum.py
"""

import numpy as np


def sgd_step(param, grad, velocity, lr, momentum, weight_decay):
    """对一个参数数组走一步。

    param, grad, velocity: 形状相同的数组；lr, momentum, weight_decay: 浮点数
    -> (新的 param, 新的 velocity)，形状都与 param 相同
    """
    raise NotImplementedError
