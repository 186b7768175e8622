"""练习 linear-model（课程 004 §1-2）：最简单的模型，靠逐个尝试找出它的 w。

只用 NumPy（不用 torch）写出下面三个函数。x 和 y 是形状相同 (n,) 的 float64 数组。
写好后检查：  groundup check linear_model.py
"""

import numpy as np


def forward(x, w):
    """逐元素的预测 y_pred = w · x。  x: (n,)，w: 一个浮点数 -> (n,)"""
    raise NotImplementedError


def mse(y_pred, y):
    """均方误差：  L = (1/n) sum_i (y_pred_i - y_i)^2。  (n,), (n,) -> 一个浮点数"""
    raise NotImplementedError


def grid_search(x, y, ws):
    """逐个尝试 ws 中的每个 w；给出每个 w 的损失值，以及损失值最小的那个 w。

    x, y: (n,)，ws: (m,) 候选权重
    -> (best_w: 一个浮点数, losses: (m,)，其中 losses[j] = mse(forward(x, ws[j]), y))
    """
    raise NotImplementedError
