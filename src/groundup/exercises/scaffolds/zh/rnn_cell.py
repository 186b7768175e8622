"""练习 rnn-cell（课程 004 §11）：循环神经网络单元与随时间反向传播。

只用 NumPy（不用 torch）写出下面四个函数。检查时数组都是 float64。
参数 p 是一个字典，名字和形状与 nn.RNNCell 相同（权重为 (out, in)）：
    p["weight_ih"] (H, D)，p["weight_hh"] (H, H)，p["bias_ih"] (H,)，p["bias_hh"] (H,)
写好后检查：  groundup check rnn_cell.py
"""

import numpy as np


def rnn_step_forward(x, h_prev, p):
    """一步：  h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh)

    x: (N, D)，h_prev: (N, H) -> h: (N, H)
    """
    raise NotImplementedError


def rnn_step_backward(dh, x, h_prev, h, p):
    """反向走一步，已知这一步的 dh = dL/dh，以及它的前向传播看到的输入和给出的输出 h：

    da = dh * (1 - h^2)                 （tanh'(a) = 1 - tanh(a)^2 = 1 - h^2）
    dx = da W_ih,   dh_prev = da W_hh
    grads = {"weight_ih": da^T x, "weight_hh": da^T h_prev, "bias_ih": sum_n da, "bias_hh": sum_n da}

    -> (dx (N, D), dh_prev (N, H), grads：键和形状都与 p 相同的字典)
    """
    raise NotImplementedError


def rnn_forward(xs, h0, p):
    """在整个序列上运行这个单元：h_1 = step(xs[0], h0), h_2 = step(xs[1], h_1), ...

    xs: (T, N, D)，h0: (N, H) -> hs: (T, N, H)，hs[t] 是第 t 步之后的状态（不含 h0）
    """
    raise NotImplementedError


def rnn_backward(dhs, xs, h0, hs, p):
    """随时间反向传播。dhs[t] (N, H) 是第 t 步自己的损失对 h 的梯度 dL/dh；h_t 还输入了第 t+1 步，
    所以从最后一步往回走：

        dL/dh_t = dhs[t] + （第 t+1 步的反向传播返回的 dh_prev）

    每一步都把自己的梯度加到所有步共享的同一组权重上。

    dhs: (T, N, H)，xs: (T, N, D)，h0: (N, H)，hs: (T, N, H) 来自 rnn_forward
    -> (dxs (T, N, D), dh0 (N, H), grads：键和形状都与 p 相同的字典，对所有步求和)
    """
    raise NotImplementedError
