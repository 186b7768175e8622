"""The catalogue of the mistakes the checks diagnose: one entry per stable id, in English and Chinese.

A check that recognises a mistake raises ``Failed(message, "mistake-id", **evidence)``; the hint
is rendered here, from the id and the evidence (the numbers that show it), in the language
current in ``groundup.i18n``. An entry whose ``kind`` is ``"advice"`` is a hint that names no
mistake (what to return, where to look next, that no known mistake explains the numbers): the
check's ``mistake`` stays None for it. ``exercises`` lists where a mistake is diagnosed; an
empty tuple means in every exercise (the shape, scale and NaN diagnoses of ``hints.compare``).

Fields in braces are the evidence; ``explain`` fills them in, ``listing`` shows their names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from groundup import i18n


@dataclass(frozen=True)
class Entry:
    en: str
    zh: str
    exercises: tuple[str, ...] = ()
    kind: str = "mistake"  # or "advice": a hint that names no mistake


LM, GD, LR, SR = "linear-model", "gradient-descent", "logistic-regression", "softmax-regression"
LL, SGD, CONV, RNN, DS = "linear-layer", "sgd-momentum", "conv-layer", "rnn-cell", "dataset"
M = Entry

MISTAKES: dict[str, Entry] = {
    # ------------------------------------------------------------- every exercise: scale and shape
    "summed-not-mean": M(
        "{n} times too large, the batch size: summed over the batch instead of averaged; divide by "
        "the batch size once (take the mean)",
        "是正确值的 {n} 倍，正好是批量大小：对整个批量求和了而没有取平均；请除以批量大小一次（取均值）。"),
    "grad-divided-twice": M(
        "{n} times too small, the batch size: divided by the batch size twice (the mean's gradient "
        "already carries 1/n; do not divide again)",
        "只有正确值的 1/{n}，n 正好是批量大小：除了两次批量大小（平均损失值的梯度里已经带着 1/n，不要再除一次）。"),
    "wrong-sign": M(
        "the sign is flipped: the gradient points uphill; check the order of a subtraction (p - y, not y - p)",
        "符号反了：梯度指向上坡方向；检查减法的顺序（应为 p - y，而不是 y - p）。"),
    "missing-factor-2": M(
        "exactly half: a factor 2 is missing (d/dp (p - y)² = 2 (p - y))",
        "恰好是一半：少了因子 2（d/dp (p - y)² = 2 (p - y)）。"),
    "extra-factor-2": M(
        "exactly twice: a factor 2 too many",
        "恰好是两倍：多乘了一个因子 2。"),
    "constant-factor": M(
        "all {count} values are off by the same factor {r:.4g}: a constant scale is wrong (a factor "
        "used once too often or too rarely)",
        "全部 {count} 个值都差同一个倍数 {r:.4g}：某个常数因子错了（多乘或少乘了一次）。"),
    "all-zero": M(
        "every value is 0: the value is never computed or never updated (a missing assignment?)",
        "所有值都是 0：这个量从未被计算或从未被更新（是否漏了一次赋值？）。"),
    "weights-transposed": M(
        "the result is transposed: {got} instead of {want} (a weight gradient has the weight's shape "
        "(out, in): dW = dyᵀ x, not xᵀ dy)",
        "结果被转置了：形状为 {got}，应为 {want}（权重的梯度与权重同形状 (out, in)：dW = dyᵀ x，而不是 xᵀ dy）。"),
    "bias-not-summed": M(
        "one row per sample came back: a bias (or loss) gradient must be summed over the batch "
        "(axis 0), since every sample's b is the same b",
        "每个样本返回了一行：偏置（或损失值）的梯度必须在批量上求和（axis 0），因为每个样本用的是同一个 b。"),
    "per-sample-loss": M(
        "return the mean over the batch as one float, not one value per sample (e.g. float(losses.mean()))",
        "返回整个批量的平均损失值（一个 float），而不是每个样本一个值（例如 float(losses.mean())）。"),
    "exp-overflow": M(
        "NaN/inf only where the input is large: np.exp overflows beyond ~709; subtract the row maximum "
        "first (softmax, log-sum-exp) or use exp(-|z|) (sigmoid)",
        "只有输入很大的位置出现 NaN/inf：np.exp 的参数超过约 709 就会溢出；先减去每行的最大值"
        "（softmax、log-sum-exp），或使用 exp(-|z|)（sigmoid）。"),
    "nan-from-moderate-inputs": M(
        "NaN or inf came back even for moderate inputs: a division by zero or log(0)?",
        "即使输入不大也返回了 NaN 或 inf：是否除以了 0，或取了 log(0)？"),
    "gradient-off-by-factor": M(
        "the gradient is not the derivative of your own function: it is {r:.4g} times the numerical "
        "one (a missing or extra factor, or the sign)",
        "梯度不是你自己函数的导数：它是数值梯度的 {r:.4g} 倍（少了或多了一个因子，或符号反了）。"),
    "too-slow": M(
        "slow, not an endless loop: {done} of {total} training steps took {seconds:.1f} s ({rate:.3g} "
        "steps per second), so the whole check would need about {need:.0f} s and the time limit is {limit:g} s; "
        "replace Python loops over the batch or the pixels by NumPy operations on whole arrays, or "
        "allow more time with --timeout",
        "运行太慢，而不是死循环：{total} 个训练步中的 {done} 个用了 {seconds:.1f} 秒（每秒 {rate:.3g} 步），"
        "整个检查约需 {need:.0f} 秒，而时间上限是 {limit:g} 秒；请把对批量或像素的 Python 循环换成对整个数组的"
        " NumPy 运算，或用 --timeout 放宽时间。"),
    "slow-not-endless": M(
        "slow, not an endless loop: {name} had answered {done} calls before, {each:.3g} s each "
        "({rate:.3g} calls per second), and the time limit of {limit:g} s ran out; replace Python "
        "loops over the batch or the pixels by NumPy operations on whole arrays, or allow more time "
        "with --timeout",
        "运行太慢，而不是死循环：{name} 之前已完成 {done} 次调用，每次 {each:.3g} 秒（每秒 {rate:.3g} 次），"
        "{limit:g} 秒的时间上限用完了；请把对批量或像素的 Python 循环换成对整个数组的 NumPy 运算，"
        "或用 --timeout 放宽时间。"),
    "endless-loop": M(
        "look for a loop whose condition never becomes false",
        "检查是否有条件永远不会变为假的循环（死循环）。"),
    "exits": M(
        "return a value instead of exiting",
        "请返回一个值，而不是退出程序。"),
    "syntax-error": M(
        "fix the syntax first (python -m py_compile FILE shows the same)",
        "先修正语法错误（python -m py_compile FILE 会显示同样的错误）。"),
    "imports-reference": M(
        "write the functions yourself; the checks compare them with groundup's reference",
        "请自己编写这些函数；检查会把它们与 groundup 的参考实现比较。"),
    "imports-torch": M(
        "remove the torch import; write the computation with NumPy",
        "删除对 torch 的导入；用 NumPy 完成计算。"),
    "renamed-function": M(
        "keep the function names and signatures of the scaffold",
        "保持脚手架中的函数名和参数不变。"),
    "in-use-diverged": M(
        "a gradient too large (summed instead of averaged?) makes the same learning rate overshoot",
        "梯度过大（求和而不是取平均？）会让同样的学习率步子迈得太大，训练发散。"),

    # ------------------------------------------------------------- advice: hints that name no mistake
    "unexplained": M(
        "no known mistake explains these numbers: compare your function with the formula in the "
        "scaffold's docstring, one step at a time on a small input",
        "没有已知的错误能解释这些数值：请在一个小输入上逐步把你的函数与脚手架文档字符串中的公式对照。",
        kind="advice"),
    "gradient-not-derivative": M(
        "the gradient is not the derivative of your own function, and not by one constant factor: "
        "take the chain rule one factor at a time, against the forward pass",
        "梯度不是你自己函数的导数，差异也不是一个常数因子：对照前向传播，按链式法则逐个因子检查。",
        kind="advice"),
    "in-use-differs": M(
        "the small checks above name the first function that differs",
        "上面的小检查会指出第一个出错的函数。", kind="advice"),
    "in-use-drifts": M(
        "the first steps agree, later ones drift: look at the update",
        "前几步一致，后面逐渐偏离：检查参数更新。", kind="advice"),
    "returns-list": M(
        "return a NumPy array (np.array(...)), not a Python list",
        "请返回 NumPy 数组（np.array(...)），而不是 Python 列表。", kind="advice"),
    "not-an-array": M("return a NumPy array", "请返回 NumPy 数组。", kind="advice"),
    "not-a-number": M("return a float", "请返回一个 float。", kind="advice"),
    "wrong-shape": M(
        "the right numbers in the wrong shape: reshape to {want} (keepdims / a trailing axis of 1)",
        "数值对但形状不对：请变形为 {want}（keepdims / 末尾长度为 1 的轴）。", kind="advice"),
    "return-values": M(
        "return what the scaffold's docstring names: {names}",
        "请按脚手架文档字符串的说明返回：{names}。", kind="advice"),
    "load-error": M(
        "the file must load without errors, exits or endless loops",
        "文件必须能正常加载：不能报错、退出或陷入死循环。", kind="advice"),
    "missing-data": M(
        "run 'groundup data download {name}', or check without it: --no-in-use",
        "运行 'groundup data download {name}'，或不做实际训练检查：--no-in-use。", kind="advice"),
    "missing-table": M(
        "put diabetes.csv where groundup finds it, or check without it: --no-in-use",
        "把 diabetes.csv 放到 groundup 能找到的位置，或不做实际训练检查：--no-in-use。", kind="advice"),

    # ------------------------------------------------------------- linear-model
    "mean-absolute-error": M(
        "that is the mean ABSOLUTE error: square the differences",
        "这是平均绝对误差：应先把差值平方。", (LM,)),
    "rmse": M(
        "that is the root of the MSE (RMSE): leave out the square root",
        "这是均方误差的平方根（RMSE）：去掉开方。", (LM,)),
    "mean-then-squared": M(
        "the mean was squared: square each difference, then average",
        "把均值平方了：应先把每个差值平方，再取平均。", (LM,)),
    "losses-accumulate": M(
        "the losses accumulate across w: reset the sum to 0 for every w",
        "损失值在不同的 w 之间累加了：每个 w 都要把和重新置为 0。", (LM,)),
    "argmax-not-argmin": M(
        "that is the w with the LARGEST loss: use argmin",
        "这是损失值最大的 w：应使用 argmin。", (LM,)),
    "index-not-value": M(
        "that is the index of the best w: return ws[index]",
        "这是最佳 w 的下标：应返回 ws[index]。", (LM,)),
    "min-loss-not-w": M(
        "that is the smallest loss: return the w that gives it",
        "这是最小的损失值：应返回取得它的 w。", (LM,)),

    # ------------------------------------------------------------- gradient-descent
    "sgd-ignores-order": M(
        "the samples were visited in the order 0, 1, 2, ...: follow `order` (the epoch's shuffle)",
        "样本按 0, 1, 2, ... 的顺序访问了：应按 `order`（本 epoch 的打乱顺序）访问。", (GD, DS)),
    "sgd-one-full-batch-step": M(
        "that is ONE full-batch step: SGD updates w once per sample, with that sample's gradient",
        "这是一次全批量梯度下降：SGD 对每个样本更新一次 w，用的是该样本的梯度。", (GD,)),
    "sgd-full-batch-gradient": M(
        "every update used the whole data set's gradient: SGD steps with one sample's gradient, "
        "2 x[i] (w x[i] - y[i]), for each i in `order`",
        "每次更新都用了整个数据集的梯度：SGD 对 `order` 中的每个 i 只用该样本的梯度 2 x[i] (w x[i] - y[i]) 更新。", (GD,)),
    "sgd-one-update": M(
        "only one update was made: one per sample, in the given order",
        "只更新了一次：应按给定顺序对每个样本各更新一次。", (GD,)),

    # ------------------------------------------------------------- logistic-regression
    "sigmoid-sign": M(
        "that is sigmoid(-z): the exponent is -z, 1 / (1 + exp(-z))",
        "这是 sigmoid(-z)：指数应为 -z，即 1 / (1 + exp(-z))。", (LR,)),
    "sigmoid-overflow": M(
        "np.exp overflowed for a large |z|: 1 / (1 + exp(-z)) overflows for z < -709; take exp(-|z|), "
        "which is at most 1, and use e / (1 + e) where z < 0",
        "|z| 很大时 np.exp 溢出：z < -709 时 1 / (1 + exp(-z)) 会溢出；改用不超过 1 的 exp(-|z|)，"
        "并在 z < 0 处使用 e / (1 + e)。", (LR,)),
    "bce-log0": M(
        "log(sigmoid(z)) is log(0) = -inf once sigmoid(z) rounds to 0 or 1 (|z| > 37): compute the loss "
        "from the logits, max(z, 0) - z y + log(1 + exp(-|z|))",
        "sigmoid(z) 舍入为 0 或 1 时（|z| > 37），log(sigmoid(z)) 是 log(0) = -inf：应直接从 logits 计算损失值，"
        "max(z, 0) - z y + log(1 + exp(-|z|))。", (LR,)),
    "bce-missing-zero-term": M(
        "the (1 - y) log(1 - sigmoid(z)) term for the 0 labels is missing",
        "缺少标签为 0 的样本对应的 (1 - y) log(1 - sigmoid(z)) 项。", (LR,)),
    "labels-not-subtracted": M(
        "the labels were not subtracted: dL/dz = (probabilities - labels) / n",
        "没有减去标签：dL/dz = (概率 - 标签) / n（softmax 时标签为独热编码）。", (LR, SR)),
    "threshold-on-logits": M(
        "a 0.5 threshold applied to logits as if they were probabilities: sigmoid(z) > 0.5 exactly "
        "when z > 0; threshold the logits at 0, or take the argmax of z itself",
        "把 0.5 阈值用在了 logits 上，仿佛它们是概率：sigmoid(z) > 0.5 当且仅当 z > 0；"
        "应以 0 为阈值，或直接对 z 取 argmax。", (LR, SR)),
    "probabilities-not-labels": M(
        "those are probabilities: return 0/1 labels (sigmoid(z) > 0.5, i.e. z > 0)",
        "这些是概率：应返回 0/1 标签（sigmoid(z) > 0.5，即 z > 0）。", (LR,)),

    # ------------------------------------------------------------- softmax-regression
    "softmax-overflow": M(
        "np.exp overflowed (exp(710) is inf in float64): subtract each row's maximum before "
        "exponentiating; softmax(z) = softmax(z - max(z)) exactly",
        "np.exp 溢出了（float64 中 exp(710) 为 inf）：取指数前先减去每行的最大值；"
        "softmax(z) = softmax(z - max(z)) 严格成立。", (SR,)),
    "log-of-softmax": M(
        "log(softmax(z)) is log(0) = -inf for a class far below the row's maximum: compute log-softmax "
        "directly, z - max - log(sum(exp(z - max)))",
        "某个类别远小于该行最大值时，log(softmax(z)) 是 log(0) = -inf：应直接计算 log-softmax，"
        "z - max - log(sum(exp(z - max)))。", (SR,)),
    "softmax-over-columns": M(
        "normalised over the columns (axis 0): each ROW must sum to 1 (sum(axis=1, keepdims=True))",
        "在列上（axis 0）做了归一化：应让每一行之和为 1（sum(axis=1, keepdims=True)）。", (SR,)),
    "softmax-whole-matrix": M(
        "divided by the sum over the whole matrix: divide each row by its own sum (axis=1, keepdims=True)",
        "除以了整个矩阵的和：每一行应除以它自己的和（axis=1, keepdims=True）。", (SR,)),
    "loss-mean-over-classes": M(
        "averaged over all n·k entries of the one-hot matrix: sum over the classes, then take the mean "
        "over the n rows",
        "对独热编码矩阵的全部 n·k 个元素取了平均：应先对类别求和，再对 n 行取平均。", (SR,)),
    "label-not-picked": M(
        "the label's column was not picked: use z[np.arange(n), y]",
        "没有取出标签所在的列：应使用 z[np.arange(n), y]。", (SR,)),
    "onehot-columns": M(
        "the one-hot matrix was built as onehot[:, y] = 1, which sets every label's column in EVERY "
        "row: set one entry per row, onehot[np.arange(n), y] = 1",
        "独热编码写成了 onehot[:, y] = 1，这会在每一行都把所有出现过的标签列置 1：每行只应置一个元素，"
        "onehot[np.arange(n), y] = 1。", (SR,)),
    "threshold-before-argmax": M(
        "a 0.5 threshold before the argmax: rows where no class reaches 0.5 become all zeros and argmax "
        "answers class 0; take the argmax of the scores themselves",
        "在 argmax 之前用了 0.5 阈值：没有类别达到 0.5 的行变成全 0，argmax 就回答类别 0；"
        "应直接对分数取 argmax。", (SR,)),
    "argmax-wrong-axis": M(
        "the argmax ran over the wrong axis (axis 0, over the samples): each row's class is "
        "z.argmax(axis=1)",
        "argmax 用错了轴（axis 0，跨样本）：每一行的类别是 z.argmax(axis=1)。", (SR,)),
    "count-not-share": M(
        "that is the number of correct rows: divide by n for the share",
        "这是预测正确的行数：除以 n 才是正确率。", (SR,)),
    "loss-after-step": M(
        "that is the loss after the step: return the loss of the forward pass that gave the gradient",
        "这是更新之后的损失值：应返回计算梯度的那次前向传播的损失值。", (SR,)),
    "param-not-updated": M(
        "{what} was returned unchanged: the step must update it too, {what} - lr * its gradient",
        "{what} 原样返回了：这一步也要更新它，{what} - lr * 它的梯度。", (SR,)),

    # ------------------------------------------------------------- linear-layer
    "bias-missing": M(
        "the bias b was not added",
        "没有加上偏置 b。", (LL, CONV)),
    "grad-divided-by-batch": M(
        "divided by the batch size: the upstream gradient already is the gradient of the MEAN loss, so "
        "its 1/n is inside it; dividing again makes the gradient n times too small",
        "除以了批量大小：上游梯度已经是平均损失值的梯度，1/n 已经包含在内；再除一次会让梯度小 n 倍。", (LL, CONV)),
    "db-mean-not-sum": M(
        "db is the MEAN over the batch: it must be the sum (dy already carries the 1/n of the mean loss)",
        "db 取了批量上的平均：应当求和（dy 已带有平均损失值的 1/n）。", (LL, CONV)),
    "relu-mask-from-dy": M(
        "the mask was taken from the upstream gradient dy: the gradient passes where the layer's INPUT "
        "x is positive, dL/dx = dy * (x > 0)",
        "掩码取自上游梯度 dy：梯度应在该层输入 x 为正的位置通过，dL/dx = dy * (x > 0)。", (LL,)),
    "relu-mask-only": M(
        "that is the mask alone: multiply it by dy (the chain rule)",
        "这只是掩码本身：还要乘以 dy（链式法则）。", (LL,)),
    "relu-mask-not-max": M(
        "that is the mask x > 0: return max(x, 0)",
        "这是掩码 x > 0：应返回 max(x, 0)。", (LL,)),
    "relu-passes-at-zero": M(
        "at x = 0 exactly the gradient passed: take it as 0 there (x > 0), as torch does",
        "在 x = 0 处梯度通过了：应与 torch 一致，在该处取 0（x > 0）。", (LL,)),
    "relu-of-dy": M(
        "that is relu(dy): the gradient passes where x > 0, dy * (x > 0)",
        "这是 relu(dy)：梯度应在 x > 0 处通过，dy * (x > 0)。", (LL,)),

    # ------------------------------------------------------------- sgd-momentum
    "lr-in-velocity": M(
        "the velocity includes the learning rate (v = mu v + lr g; p -= v): torch keeps v = mu v + g and "
        "steps p -= lr v; the two agree only while lr never changes",
        "速度中包含了学习率（v = mu v + lr g; p -= v）：torch 保持 v = mu v + g，再 p -= lr v；"
        "两者只在学习率不变时一致。", (SGD,)),
    "momentum-dampening": M(
        "the gradient was scaled by (1 - momentum), an exponential moving average (dampening): "
        "torch.optim.SGD's dampening is 0, v = mu v + g",
        "梯度乘了 (1 - momentum)，成了指数滑动平均（dampening）：torch.optim.SGD 的 dampening 为 0，v = mu v + g。",
        (SGD,)),
    "decay-sign": M(
        "the weight decay has the wrong sign: it adds wd * p to the gradient (it pulls p towards 0)",
        "权重衰减的符号反了：应把 wd * p 加到梯度上（把 p 拉向 0）。", (SGD,)),
    "decay-outside-velocity": M(
        "the weight decay was applied to the update after the momentum (decoupled, as AdamW does): "
        "torch.optim.SGD adds wd * p to the gradient first, so it enters the velocity",
        "权重衰减在动量之后单独作用于更新（解耦，像 AdamW 那样）：torch.optim.SGD 先把 wd * p 加到梯度上，"
        "所以它会进入速度。", (SGD,)),
    "step-uphill": M(
        "the step goes uphill: p -= lr * v",
        "更新方向朝上坡：应为 p -= lr * v。", (SGD,)),
    "nesterov": M(
        "that is Nesterov momentum (p -= lr (g + mu v)): torch.optim.SGD's default is nesterov=False, "
        "p -= lr v",
        "这是 Nesterov 动量（p -= lr (g + mu v)）：torch.optim.SGD 默认 nesterov=False，即 p -= lr v。", (SGD,)),
    "decay-missing": M(
        "the weight decay is missing: add wd * p to the gradient before the momentum",
        "缺少权重衰减：在动量之前把 wd * p 加到梯度上。", (SGD,)),
    "step-uses-gradient": M(
        "the step used the gradient, not the new velocity: p -= lr * v after v = mu v + g",
        "更新用的是梯度而不是新的速度：先 v = mu v + g，再 p -= lr * v。", (SGD,)),

    # ------------------------------------------------------------- conv-layer
    "kernel-flipped": M(
        "the kernel is flipped (a convolution in the textbook sense): nn.Conv2d computes a "
        "cross-correlation, out[n, o, i, j] = b[o] + Σ w[o, c, u, v] x[n, c, i+u, j+v]",
        "卷积核被翻转了（教科书意义上的卷积）：nn.Conv2d 计算的是互相关，"
        "out[n, o, i, j] = b[o] + Σ w[o, c, u, v] x[n, c, i+u, j+v]。", (CONV,)),
    "dw-flipped": M(
        "dw is flipped: the forward is a cross-correlation, so dw[o, c, u, v] = Σ dout[n, o, i, j] x[n, c, i+u, j+v]",
        "dw 被翻转了：前向是互相关，所以 dw[o, c, u, v] = Σ dout[n, o, i, j] x[n, c, i+u, j+v]。", (CONV,)),
    "db-mean-over-batch": M(
        "db is averaged over the batch: sum dout over the batch AND the output pixels (axes 0, 2, 3)",
        "db 在批量上取了平均：应对 dout 在批量和输出像素上都求和（axes 0, 2, 3）。", (CONV,)),
    "db-mean-over-pixels": M(
        "db is averaged over the output pixels: every pixel used b[o] once, so sum over them",
        "db 在输出像素上取了平均：每个像素都用了一次 b[o]，所以应求和。", (CONV,)),
    "conv-dx-overwritten": M(
        "dx was overwritten where windows overlap: an input pixel feeds several outputs, so its "
        "gradient is the SUM of their contributions (dx[...] += ..., not =)",
        "在窗口重叠处 dx 被覆盖了：一个输入像素参与了多个输出，它的梯度是这些贡献之和（应为 dx[...] += ...，而不是 =）。",
        (CONV,)),
    "pool-stride-one": M(
        "the windows overlap (moved one pixel at a time): 2×2 max-pooling moves by its size, stride 2, "
        "so the output is half as wide",
        "窗口重叠了（每次只移动一个像素）：2×2 最大池化的步长等于窗口大小 2，所以输出宽度减半。", (CONV,)),
    "pool-keeps-edge": M(
        "the partial windows of the odd last row and column were kept: like nn.MaxPool2d, drop them "
        "(H // 2 output rows)",
        "保留了奇数边上不完整的窗口：应与 nn.MaxPool2d 一致，把它们舍去（输出 H // 2 行）。", (CONV,)),
    "pool-gradient-to-ties": M(
        "every tied maximum got the whole gradient: give it to ONE pixel, the first maximum in reading "
        "order (as nn.MaxPool2d; np.argmax returns the first)",
        "每个并列的最大值都得到了全部梯度：应只给一个像素，即按阅读顺序的第一个最大值"
        "（与 nn.MaxPool2d 一致；np.argmax 返回第一个）。", (CONV,)),
    "pool-gradient-shared": M(
        "the gradient was shared among tied maxima: nn.MaxPool2d gives it all to the first maximum in "
        "reading order",
        "梯度在并列的最大值之间平分了：nn.MaxPool2d 把它全部给按阅读顺序的第一个最大值。", (CONV,)),
    "pool-gradient-to-last": M(
        "the gradient went to the LAST of tied maxima: the first in reading order gets it",
        "梯度给了并列最大值中的最后一个：应给按阅读顺序的第一个。", (CONV,)),
    "pool-gradient-spread": M(
        "the gradient was spread evenly over the whole window (average pooling): only the window's "
        "maximum reached the output, so only it gets the gradient",
        "梯度被平均分到了整个窗口（平均池化）：只有窗口的最大值进入了输出，所以只有它得到梯度。", (CONV,)),

    # ------------------------------------------------------------- rnn-cell
    "tanh-missing": M(
        "tanh is missing: h = tanh(x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh)",
        "缺少 tanh：h = tanh(x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh)。", (RNN,)),
    "h-prev-unused": M(
        "the previous hidden state is not used: add h_prev W_hhᵀ",
        "没有用到上一步的隐藏状态：加上 h_prev W_hhᵀ。", (RNN,)),
    "tanh-grad-skipped": M(
        "the gradient was not taken back through tanh: da = dh * (1 - h²) comes first",
        "梯度没有经过 tanh 反向传播：应先计算 da = dh * (1 - h²)。", (RNN,)),
    "tanh-grad-one-minus-h": M(
        "tanh's derivative is 1 - h², not 1 - h",
        "tanh 的导数是 1 - h²，而不是 1 - h。", (RNN,)),
    "tanh-grad-tanh-twice": M(
        "tanh's derivative is 1 - h² with h the step's OUTPUT (h = tanh(a)); 1 - tanh(h)² applies tanh twice",
        "tanh 的导数是 1 - h²，其中 h 是这一步的输出（h = tanh(a)）；1 - tanh(h)² 把 tanh 用了两次。", (RNN,)),
    "whh-from-h": M(
        "dW_hh used the step's output h: W_hh multiplied h_PREV, so dW_hh = daᵀ h_prev",
        "dW_hh 用了这一步的输出 h：与 W_hh 相乘的是 h_prev，所以 dW_hh = daᵀ h_prev。", (RNN,)),
    "rnn-every-step-from-h0": M(
        "every step started from h0: feed each step's h into the next step",
        "每一步都从 h0 开始：应把每一步的 h 传给下一步。", (RNN,)),
    "rnn-hs-shifted": M(
        "hs[t] must be the state AFTER step t, h_(t+1); h0 is not part of hs",
        "hs[t] 应是第 t 步之后的状态 h_(t+1)；h0 不属于 hs。", (RNN,)),
    "bptt-carry-dropped": M(
        "the gradient from the later steps is missing: dL/dh_t = dhs[t] + the dh_prev returned by step "
        "t+1's backward (walk the steps in reverse and carry it)",
        "缺少来自后面各步的梯度：dL/dh_t = dhs[t] + 第 t+1 步反向传播返回的 dh_prev（按时间倒序遍历并把它传下去）。",
        (RNN,)),
    "bptt-grads-overwritten": M(
        "only one step's parameter gradients were kept (grads[k] = g[k] overwrites them): every step "
        "used the same weights, so their gradients add up over the steps (grads[k] += g[k])",
        "只保留了某一步的参数梯度（grads[k] = g[k] 会覆盖前面的）：每一步用的是同一组权重，"
        "所以梯度要在各步之间累加（grads[k] += g[k]）。", (RNN,)),
    "bptt-grads-averaged": M(
        "the gradients were averaged over the steps: they add up (sum)",
        "梯度在各步之间取了平均：应当求和。", (RNN,)),

    # ------------------------------------------------------------- dataset
    "getitem-column": M(
        "that is column i: return row i, x[i]",
        "这是第 i 列：应返回第 i 行 x[i]。", (DS,)),
    "not-a-permutation": M(
        "every row exactly once per epoch: a permutation of 0..n-1",
        "每个 epoch 中每一行恰好出现一次：应是 0..n-1 的一个排列。", (DS,)),
    "same-order-every-epoch": M(
        "every epoch gets the same shuffle: seed the generator with (seed, epoch), not the seed alone",
        "每个 epoch 的打乱顺序都一样：用 (seed, epoch) 作为随机数生成器的种子，而不是只用 seed。", (DS,)),
    "order-not-reproducible": M(
        "a generator created once and reused is not reproducible: create it from (seed, epoch) in the call",
        "只创建一次并反复使用的随机数生成器不可复现：应在每次调用中用 (seed, epoch) 创建它。", (DS,)),
    "last-batch-dropped": M(
        "the last, smaller batch is missing: ceil(n / batch_size) batches, the last one may be smaller",
        "缺少最后那个较小的批量：共 ceil(n / batch_size) 个批量，最后一个可以更小。", (DS,)),
    "batches-table-order": M(
        "the rows were taken in table order: take them in the epoch's `order` (the shuffle)",
        "按表格顺序取了行：应按本 epoch 的 `order`（打乱后的顺序）取。", (DS,)),
}

_FIELD = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")


def get(mistake: str) -> Entry:
    try:
        return MISTAKES[mistake]
    except KeyError:
        raise KeyError(f"no mistake {mistake!r} in the catalogue") from None


def named(mistake: str | None) -> str | None:
    """The id if it names a mistake; None for advice and for None."""
    return mistake if mistake is not None and get(mistake).kind == "mistake" else None


def explain(mistake: str, lang: str | None = None, **evidence) -> str:
    """The hint for ``mistake`` in ``lang`` (default: the current language), its evidence filled in."""
    entry = get(mistake)
    text = entry.zh if (lang or i18n.current()) == "zh" else entry.en
    return text.format(**evidence)


def listing(mistake: str, lang: str | None = None) -> str:
    """The explanation without evidence: each field shown by its name ({n} -> n)."""
    entry = get(mistake)
    return _FIELD.sub(r"\1", entry.zh if (lang or i18n.current()) == "zh" else entry.en)


def of_exercise(exercise: str) -> list[str]:
    """The ids diagnosed in ``exercise``: its own first, then those of every exercise (no advice)."""
    own = [k for k, e in MISTAKES.items() if e.kind == "mistake" and exercise in e.exercises]
    general = [k for k, e in MISTAKES.items() if e.kind == "mistake" and not e.exercises]
    return own + general
