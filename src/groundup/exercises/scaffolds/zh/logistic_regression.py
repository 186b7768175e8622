"""练习 logistic-regression（课程 000 §2）：手写训练一个二分类器。

只用 NumPy（不用 torch）写出下面四个函数。检查时数组都是 float64；
z 是每个样本一个 logit，形状 (n,)；y 是标签 0 或 1，形状 (n,)。
写好后检查：  groundup check logistic_regression.py
"""

import numpy as np


def sigmoid(z):
    """逐元素的 logistic 函数：sigmoid(z) = 1 / (1 + exp(-z))。

    z: 任意形状 -> 同样的形状，取值在 [0, 1] 内。
    |z| 达到 1e4 时也不能溢出（在 float64 下 np.exp(710) 是 inf）。
    """
    raise NotImplementedError


def bce_loss(logits, y):
    """平均二元交叉熵，由 logit z 计算（而不是由概率计算）。

    L = -(1/n) sum_i [ y_i log sigmoid(z_i) + (1 - y_i) log(1 - sigmoid(z_i)) ]

    logits: (n,)，y: (n,) -> 一个浮点数。|z| 达到 1e4 时也是有限值。
    """
    raise NotImplementedError


def bce_grad(logits, y):
    """平均损失对 logit 的梯度：dL/dz_i = (sigmoid(z_i) - y_i) / n。

    logits: (n,)，y: (n,) -> (n,)，与 logits 形状相同。
    """
    raise NotImplementedError


def predict(logits):
    """0/1 标签：概率 sigmoid(z) 大于 0.5 处为 1。

    logits: (n,) -> (n,)，取值为 0 或 1 的整数。
    """
    raise NotImplementedError
