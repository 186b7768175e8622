"""练习 linear-layer（课程 001、004 §9）：构成 MLP 的层，前向传播与反向传播。

只用 NumPy（不用 torch）写出下面四个函数。检查时数组都是 float64。
权重的存放方式与 torch.nn.Linear 相同：W 的形状是 (out, in)。
写好后检查：  groundup check linear_layer.py
"""

import numpy as np


def linear_forward(x, W, b):
    """y = x W^T + b。

    x: (n, d)，W: (m, d)，b: (m,) -> y: (n, m)
    """
    raise NotImplementedError


def linear_backward(dy, x, W):
    """已知 dy = dL/dy，求损失值对 x、W 和 b 的梯度。

    dx = dy W        (n, d)
    dW = dy^T x      (m, d)，与 W 形状相同
    db = sum_i dy_i  (m,)，与 b 形状相同（每个样本用的是同一个 b）

    dy 已经是平均损失的梯度：这里不要再除以 n。
    dy: (n, m)，x: (n, d)，W: (m, d) -> (dx, dW, db)
    """
    raise NotImplementedError


def relu_forward(x):
    """逐元素的 y = max(x, 0)。x: 任意形状 -> 同样的形状。"""
    raise NotImplementedError


def relu_backward(dy, x):
    """已知 dL/dy 和这一层的输入 x，求 dL/dx：梯度只在 x > 0 处通过（x = 0 处为 0）。

    dy, x: 形状相同 -> 同样的形状
    """
    raise NotImplementedError
