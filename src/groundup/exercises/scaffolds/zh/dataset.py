"""练习 dataset（课程 004 §8）：把 Dataset / DataLoader 的思路写出来。

Dataset 回答两个问题：有多少行（len），第 i 行是什么（dataset[i]）。训练时每个 epoch 按一个
新的随机顺序访问各行，并把它们分成小批量。
写出下面三部分（用 NumPy；这里允许用 torch，但用不着）。
写好后检查：  groundup check dataset.py
"""

import numpy as np


class DiabetesDataset:
    """把糖尿病数据表做成一个 Dataset。  x: (n, 8) 特征，y: (n,) 0/1 标签。"""

    def __init__(self, x, y):
        """保存数据表：x (n, 8) 浮点特征，y (n,) 0/1 标签。"""
        raise NotImplementedError

    def __len__(self):
        """行数 n。"""
        raise NotImplementedError

    def __getitem__(self, i):
        """第 i 行：(特征 (8,), 标签)。"""
        raise NotImplementedError


def epoch_order(n, seed, epoch):
    """第 `epoch` 个 epoch 访问 n 行的顺序：0..n-1 的一个排列。

    它只能取决于 (seed, epoch)，这样一次运行才能重复，而且每个 epoch 都不同。
    请严格使用：  np.random.default_rng([seed, epoch]).permutation(n)
    -> (n,) 整数
    """
    raise NotImplementedError


def batches(dataset, batch_size, order):
    """一个 epoch 的小批量：行 order[0:B]、order[B:2B]、……（最后一个可以更小）。

    每个批量是 (x_batch (b, 8), y_batch (b,))，由这些行的 dataset[i] 拼成。
    -> 含 ceil(n / batch_size) 对的列表
    """
    raise NotImplementedError
