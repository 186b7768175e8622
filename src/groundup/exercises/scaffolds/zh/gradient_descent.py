"""练习 gradient-descent（课程 004 §3）：沿着梯度找出 y = w·x 中的 w。

只用 NumPy（不用 torch）写出下面三个函数。x 和 y 是 float64 数组 (n,)；
损失函数是均方误差 L(w) = (1/n) sum_i (w x_i - y_i)^2。
写好后检查：  groundup check gradient_descent.py
"""

import numpy as np


def mse_grad(x, y, w):
    """dL/dw = (2/n) sum_i x_i (w x_i - y_i)。   x, y: (n,)，w: 一个浮点数 -> 一个浮点数"""
    raise NotImplementedError


def gd_step(x, y, w, lr):
    """在全部 n 个样本上做一步梯度下降：w - lr * dL/dw。  -> 新的 w（一个浮点数）"""
    raise NotImplementedError


def sgd_epoch(x, y, w, lr, order):
    """随机梯度下降的一个 epoch：按 `order`（0..n-1 的一个排列）中的每个下标 i，只用这一个样本的
    损失值 (w x_i - y_i)^2 的梯度更新一次：

        w <- w - lr * 2 x_i (w x_i - y_i)

    -> n 次更新之后的 w（一个浮点数）
    """
    raise NotImplementedError
