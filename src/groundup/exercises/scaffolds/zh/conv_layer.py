"""练习 conv-layer（课程 004 §10）：CNN 新增的两种层，前向传播与反向传播。

只用 NumPy（不用 torch）写出下面四个函数。检查时数组都是 float64。
图像的形状是 (N, C, H, W)；卷积核的排列与 nn.Conv2d 相同，w (O, C, k, k)；步长 1，无填充。
写好后检查：  groundup check conv_layer.py
"""

import numpy as np


def conv2d_forward(x, w, b):
    """out[n, o, i, j] = b[o] + sum over c, u, v of w[o, c, u, v] * x[n, c, i+u, j+v]

    （互相关，即 nn.Conv2d 所计算的：卷积核不翻转）
    x: (N, C, H, W)，w: (O, C, k, k)，b: (O,) -> out: (N, O, H-k+1, W-k+1)
    """
    raise NotImplementedError


def conv2d_backward(dout, x, w):
    """已知 dout = dL/d(out)，求梯度：

    dw[o, c, u, v] = sum over n, i, j of dout[n, o, i, j] * x[n, c, i+u, j+v]    (O, C, k, k)
    db[o]          = sum over n, i, j of dout[n, o, i, j]                          (O,)
    dx[n, c, p, q] = sum over o, u, v of dout[n, o, p-u, q-v] * w[o, c, u, v]   (N, C, H, W)
                     （只取 p-u, q-v 是输出位置的那些 (u, v)）

    dout 已经是平均损失的梯度：不要再除以 N。
    dout: (N, O, H-k+1, W-k+1)，x 和 w 与前向传播时相同 -> (dx, dw, db)
    """
    raise NotImplementedError


def maxpool_forward(x, size=2):
    """每个 size×size 窗口（步长 size）中的最大值；多出来的最后一行或一列丢掉，与 nn.MaxPool2d
    一样。  x: (N, C, H, W) -> (N, C, H//size, W//size)
    """
    raise NotImplementedError


def maxpool_backward(dout, x, size=2):
    """dL/dx：每个窗口的梯度 dout[n, c, i, j] 全部交给该窗口中取到最大值的那一个像素；
    有几个像素并列最大时（例如空白背景），按阅读顺序（逐行）交给其中第一个，与 nn.MaxPool2d
    相同。其余像素：0。

    dout: (N, C, H//size, W//size)，x: (N, C, H, W) -> dx: (N, C, H, W)
    """
    raise NotImplementedError
