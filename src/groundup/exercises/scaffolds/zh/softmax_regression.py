"""练习 softmax-regression（课程 000 §3、003）：手写训练一个线性分类器。

只用 NumPy（不用 torch）写出下面五个函数。检查时数组都是 float64；
y 是整数类别编号 0..k-1。写好后检查：  groundup check softmax_regression.py
"""

import numpy as np


def softmax(z):
    """逐行计算各类别的概率。

    softmax(z)[i, j] = exp(z[i, j]) / sum_c exp(z[i, c])

    z: (n, k) logit -> (n, k)，每一行的和为 1。
    |z| 达到 1e4 时也不能溢出（在 float64 下 np.exp(710) 是 inf）。
    """
    raise NotImplementedError


def cross_entropy(z, y):
    """logit z 相对于标签 y 的平均交叉熵，由 logit 直接计算。

    L = -(1/n) sum_i log softmax(z)[i, y_i]

    z: (n, k) logit，y: (n,) 类别编号 -> 一个浮点数。|z| 达到 1e4 时也是有限值。
    """
    raise NotImplementedError


def cross_entropy_grad(z, y):
    """cross_entropy（平均损失）对 z 的梯度。

    dL/dz = (softmax(z) - onehot(y)) / n

    z: (n, k)，y: (n,) -> (n, k)
    """
    raise NotImplementedError


def accuracy(z, y):
    """得分最高的类别就是标签的行所占的比例：mean(argmax_j z[i, j] == y_i)。

    z: (n, k) logit（或概率），y: (n,) -> [0, 1] 内的一个浮点数。
    """
    raise NotImplementedError


def train_step(W, b, x, y, lr):
    """softmax 回归在批量 (x, y) 上的一步 SGD。

    z = x W^T + b,  L = cross_entropy(z, y),  dW = dL/dz^T x,  db = sum_i dL/dz[i]
    W <- W - lr dW,  b <- b - lr db

    W: (k, d)，b: (k,)，x: (n, d)，y: (n,)，lr: 浮点数
    -> (新的 W (k, d), 新的 b (k,), 这一步更新之前这个批量的损失值，一个浮点数)
    """
    raise NotImplementedError
