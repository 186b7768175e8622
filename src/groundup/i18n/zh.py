"""报告的中文句子：与 ``en.py`` 同样的键、同样的字段。

术语沿用课程报告的写法：损失值、正确率、训练集、测试集、学习率、epoch、批量（batch）、
权重、偏置、梯度下降、混淆矩阵。数字、文件名、命令与 JSON 键不翻译。
"""

ZH = {
    # ---- 小词
    "yes": "是", "no": "否", "and": "；", "sep": "、", "period": "。",
    "fell": "下降", "rose": "上升", "above": "高", "below": "低",
    "warning": "警告：{text}",
    "font.missing": ("未找到能显示中文的字体（Debian：apt-get install fonts-noto-cjk），"
                     "因此图中文字保留英文。"),
    "metric.train_loss": "训练集损失值", "metric.test_loss": "测试集损失值",
    "metric.train_accuracy": "训练集正确率", "metric.test_accuracy": "测试集正确率",

    # ---- 图
    "fig.epoch": "epoch", "fig.train": "训练集", "fig.test": "测试集",
    "fig.loss_axis": "损失值（每个样本的平均）", "fig.loss": "损失值",
    "fig.accuracy_axis": "正确率", "fig.accuracy": "正确率",
    "fig.best_test": "测试集最佳 {acc:.4f}（epoch {epoch}）",
    "fig.predicted_class": "预测类别", "fig.true_class": "真实类别",
    "fig.per_class_accuracy": "各类别正确率",
    "fig.confusion_title": "在 {n} 个测试样本上的正确率 {acc:.4f}",
    "fig.train_loss": "训练集损失值", "fig.test_loss": "测试集损失值",
    "fig.train_accuracy": "训练集正确率", "fig.test_accuracy": "测试集正确率",
    "fig.label": "标签 {label}", "fig.true_boundary": "真实决策边界", "fig.learned_boundary": "学到的决策边界",
    "fig.true_pred": "真实：{true}\n预测：{pred}",
    "fig.samples_title": "：{n} 张中 {right} 张正确（错误的标红并加框）",
    "fig.mistakes_title": "（共 {n} 个错误；括号内为概率）",
    "fig.no_mistakes": "：没有错误",
    "fig.weight": "权重",
    "fig.run_title": "{name} · {impl} · 预设 {preset}",
    "fig.interrupted": "（在 epoch {n} 后中断）",
    "fig.compare_title": "{name} · 预设 {preset}",
    "fig.first_test_images": "：前几张测试图像",
    "fig.most_confident_mistakes": "：把握最大的错误",

    # ---- 图注
    "cap.curves": "训练集和测试集上每个 epoch 的损失值与正确率（损失值为每个样本的平均）。",
    "cap.confusion": "测试集上的混淆矩阵，右侧为每个类别的正确率。",
    "cap.samples": "前几张测试图像，附真实标签、预测标签和预测概率；错误的标红并加框。",
    "cap.mistakes": "模型以最高置信度判错的测试图像。",
    "cap.compare": "所有实现画在同一坐标轴上；曲线彼此重合。",

    # ---- 一次运行的报告
    "report.title": "# {title}：`{impl}`",
    "report.intro": ("实验 `{name}`（课程第 {section} 部分），实现 `{impl}`，预设 `{preset}`。"
                     "模型：{model}。数据：{dataset}，训练集 {n_train} 个样本，测试集 {n_test} 个样本。"),
    "report.settings": "## 设置",
    "report.settings_head": "epoch 数|批量大小|学习率|动量|权重衰减|学习率调度|逐特征标准化|初始化|随机种子|数据类型",
    "report.results": "## 结果",
    "col.loss": "损失值", "col.accuracy": "正确率",
    "row.train_final": "训练集（最终）", "row.test_final": "测试集（最终）",
    "report.timing": "训练用时 {seconds:.2f} 秒（每个 epoch {per_epoch:.3f} 秒，不含评估），设备：{device}。",
    "report.analysis": "## 分析",
    "report.figures": "## 图",
    "report.interrupted": ("**在 {total} 个 epoch 中的第 {n} 个之后中断**：下面的数字和图都是 epoch {n} 的结果。"
                           "继续训练：`groundup run {name} --resume {folder}`。"),

    # ---- comparison.md
    "compare.title": "# {title}：{impls} 的比较",
    "compare.agree": ("各实现从相同的初始参数出发、在相同的批量上训练，最终参数之差至多为 **{diff:.3g}**"
                      "（所有权重和偏置上的最大绝对差，{dtype}）：手写的版本与 `torch.nn` 计算的是同一个东西。"),
    "compare.float32": ("（在 float32 下，每一步约 1e-7 的舍入误差会在长时间训练中累积；项目的测试在 float64 "
                        "下做同样的比较，各实现在 1e-8 以内一致。）"),
    "compare.head": "实现|测试集最终正确率|测试集最佳正确率|训练集最终损失值|测试集最终损失值|秒 / epoch",
    "compare.folders": "运行目录：",

    # ---- 分析段落
    "course_lab": "课程实验（本项目重建的经典 PyTorch 入门实验，其代码、设置和输出数字以课程报告的记录为准）",
    "unstable.chance": "测试集最终损失值 {final:.3g} 是均匀猜测（{ln} = {chance:.3g}）的 {ratio:.3g} 倍",
    "unstable.rose": "{what}从 {low:.3g}（epoch {i}）升到了 {high:.3g}（epoch {j}）",
    "unstable.acc_was": "；测试集正确率在 epoch {epoch} 为 {best:.4f}，最终为 {last:.4f}",
    "unstable.acc_ends": "；测试集正确率最终为 {last:.4f}",
    "unstable": "训练不稳定：{reasons}{trend}。对这个模型来说学习率太大了：试试小十倍的学习率。",
    "analysis.unstable": "**{text}** 本报告的其他数字描述的是一个没有稳定学习的模型，请带着这一点去读。",
    "analysis.losses": "训练集损失值 {train:.4g}，测试集损失值 {test:.4g}",
    "analysis.one_epoch": ("这次只训练了一个 epoch（{losses}）：一个点看不出趋势，无法判断模型是否已经收敛或过拟合。"
                           "多训练几个 epoch 才能看出来。"),
    "analysis.test_below": "测试集损失值低于训练集损失值。",
    "analysis.overfitting": ("**过拟合。** 测试集损失值在 epoch {epoch} 最低（{low:.4g}），此后升到了 {test:.4g}，"
                             "而训练集损失值继续降到 {train:.4g}：模型拟合了训练集中不能推广的细节。"
                             "减少 epoch、使用权重衰减或增加数据会有帮助。"),
    "analysis.still_learning": ("**仍在学习。** 训练 {n} 个 epoch 后，训练集损失值仍在下降，最近 {k} 个 epoch "
                                "平均每个 epoch 下降 {fell:.1%}（{train0:.4g} → {train1:.4g}），测试集损失值每个 "
                                "epoch {moved} {fell_test:.1%}（{test0:.4g} → {test1:.4g}）。{lower}模型训练不足："
                                "还没有收敛，训练集与测试集之间的差距还说明不了是否过拟合。再多训练几个 epoch "
                                "才能看出曲线在哪里趋于平稳。"),
    "analysis.converged": ("训练 {n} 个 epoch 后，训练集损失值在最近 {k} 个 epoch 中每个 epoch 只变化 {fell:.2%}"
                           "（{losses}）：在这个学习率下模型已基本收敛。"),
    "analysis.gap": "训练集正确率最终比测试集正确率{side} {gap:.4f}{end}",
    "analysis.small_gap": "：差距很小，所以收敛后的模型没有过拟合。",
    "analysis.rarely": ("**模型几乎从不预测 {cls}**：{total} 个测试预测中只有 {predicted} 个是它，而该类别有 "
                        "{true} 个测试样本（召回率 {recall:.0%}：找到其中 {found} 个）。它的样本被预测成了 {goes}。"),
    "analysis.best": ("测试集最佳正确率 {best:.4f} 出现在第 {epoch} 个 epoch（共 {n} 个）；最终为 {last:.4f}"
                      "（训练集正确率 {train:.4f}）。"),
    "analysis.confused": "最常混淆的（真实 → 预测）：{pairs}。",
    "analysis.per_class": "测试集上各类别的结果（召回率：该类样本中被预测为该类的比例；精确率：预测为该类的样本中正确的比例）：",
    "analysis.per_class_head": "类别|测试样本数|被预测数|召回率|精确率",
    # ---- 实验总报告（lab）
    "lab.test_accuracy": "测试集正确率", "lab.test_mse": "测试集 MSE", "lab.train_accuracy": "训练集正确率",
    "lab.section": "## {title}（`{name}`，课程 {section}）",
    "lab.status.done": "完成", "lab.status.skipped": "跳过", "lab.status.failed": "失败",
    "lab.not_done": "**{status}：** {reason}",
    "lab.in_detail": "#### `{impl}` 运行的详细报告",
    "lab.fallback": "使用预设 {own} 运行（{name} 没有预设 {preset}）",
    "lab.title": "# groundup 实验报告：预设 `{preset}`",
    "lab.intro": ("由 `{command}` 于 {when} 生成（groundup {groundup}，torch {torch}，numpy {numpy}，"
                  "Python {python}）。共运行 {done} 个实验（计划 {n} 个）。损失值均为每个样本的平均；每个实验都由各个"
                  "实现从相同的初始参数出发、在相同的批量上训练。"),
    "lab.head": "实验|实现|数据|epoch 数|最终结果|测试集最佳正确率|训练用时（秒）|实验用时（秒）",
    "lab.not_run": "未运行：", "lab.presets": "预设：",
    "lab.page_title": "groundup 实验报告（{preset}）",
    "html.contents": "目录", "html.file_note": "（运行目录中的文件）",
    "html.file_title": "{target}：运行目录中的文件",
    # ---- 实验标题（英文标题在各实验的定义里）
    "title.basics": "张量基础：广播、矩阵与自动求导",
    "title.linear-model": "线性模型的损失函数曲面",
    "title.gradient-descent": "梯度下降：全批量、SGD 与小批量",
    "title.linear-regression": "合成数据上的线性回归",
    "title.logistic-synthetic": "合成数据上的逻辑回归",
    "title.softmax-fashion-mnist": "Fashion-MNIST 上的 softmax 回归",
    "title.softmax-mnist": "MNIST 上的 softmax 回归",
    "title.diabetes": "糖尿病：8-6-4-1 sigmoid 网络，全批量",
    "title.diabetes-minibatch": "糖尿病：8-6-4-1 sigmoid 网络，小批量（nn 经由 Dataset/DataLoader）",
    "title.mlp-mnist": "MNIST 上的五层 MLP",
    "title.cnn-mnist": "MNIST 上的小型卷积神经网络（CNN）",
    "title.rnn-hello": "循环神经网络（RNN）：\"hello\" → \"ohlol\"",
    # ---- logistic-synthetic
    "exp.logistic.fig_title": "{impl}：测试集与决策边界",
    "exp.logistic.ceiling": ("生成数据所用的边界 1.9·x1 − 3.1·x2 + 0.6 = 0 本身能把这个测试集的 {ceiling:.4f} "
                             "分对（标签噪声会翻转靠近边界的点）：这就是上限。本次运行达到 {acc:.4f}，比上限低 "
                             "{below:.4f}。学到的参数：w = [{w0:.3f}, {w1:.3f}]，b = {b:.3f}；乘以 {scale:.2f} 后为 "
                             "[{sw0:.2f}, {sw1:.2f}]、{sb:.2f}：决定边界的只是 (w, b) 的方向，其长度会随着训练"
                             "让概率变得更确定而增大。"),
    "exp.logistic.speeds": ("为什么{course_lab}的两个版本学习速度不同：手写的 SGD 先求*平均*损失的梯度（BCELoss "
                            "对批量取平均），又再除以一次批量大小，所以在学习率 0.6、批量 64 时实际步长是 "
                            "0.6/64 ≈ 0.009，约为 torch.nn 版本学习率 0.1 的十分之一。这里每个实现都只求一次平均"
                            "损失的梯度，因此同一个学习率给出同一条轨迹。"),
    "exp.logistic.caption": "测试集上的点、真实决策边界（虚线）和学到的决策边界。",
    # ---- softmax-*
    "exp.softmax.loss_scale": (
        "**为什么课程手写版本的损失值约为 torch.nn 版本的 256 倍。** 两个版本每个 epoch 打印的都是一个和，"
        "但加的东西不同。手写版本把每个样本的损失都加起来（它的交叉熵对每个样本返回一个值，epoch 的总和把它们"
        "全部相加），所以它的数字是 n ×（平均损失）：训练集 {n_train} 个样本。torch.nn 版本加的是 "
        "nn.CrossEntropyLoss 返回的*批量平均值*，每个批量一个，所以它的数字是批量数 ×（平均损失）："
        "{batches_train} 个批量，每个至多 {bs} 个样本。两者之比在训练集上是 {n_train}/{batches_train} = "
        "{ratio_train:.1f}，在测试集上是 {n_test}/{batches_test} = {ratio_test:.1f}：这正是批量大小，"
        "而不是模型的差别。按本次运行最终的平均损失值（训练集 {train:.4f}，测试集 {test:.4f}），手写代码会打印"
        "约 {hand_train:.0f} 和 {hand_test:.0f}，torch.nn 代码会打印 {nn_train:.1f} 和 {nn_test:.2f}。"
        "（它手写的 SGD 把求和损失的梯度除以批量大小，这正是平均损失的梯度：两个版本走的是同样的步子。）"
        "本项目中的损失值一律是每个样本的平均，所以训练集、测试集和每个实现都可以直接比较。"),
    "exp.softmax.threshold": (
        "**为什么课程手写版本的测试集正确率偏低。** 它的测试循环没有对概率取 argmax：而是先把大于 0.5 的概率"
        "置为 1、其余置为 0，再对这些 0/1 行取 argmax。当没有任何类别达到 0.5 时，这一行全是 0，argmax 返回"
        "下标 0，于是不管模型怎么想，这个样本都被预测为 '{first}'。它的训练集正确率用的是普通的 argmax，"
        "这就是为什么{course_lab}在 Fashion-MNIST 上的两次运行训练集正确率差不多（两者都是第一个 epoch 后 "
        "0.748、最后一个 epoch 后 0.869），而手写版本的测试集正确率落后（第一个 epoch 后 0.699 对 0.787，"
        "此时模型最没有把握）。对本次运行的最终模型，{n} 张测试图像中有 {unsure} 张（{share:.1%}）没有任何"
        "类别的概率超过 0.5；按课程的规则，整体得分是 {classic:.4f} 而不是 {acc:.4f}（{lost} 个本来正确的 "
        "argmax 预测变成了错误）。"),
    "exp.softmax.hardest": ("这里最难的类别是 {classes}（召回率见上表）。线性模型用一个模板（下面的权重图像）"
                            "给每个类别打分，所以模板重叠最多的类别就是它最容易混淆的。"),
    "exp.softmax.fig_title": "{impl} · {dataset}",
    "exp.softmax.weights_title": "：学到的权重",
    "exp.softmax.weights_caption": "每个类别的 784 个权重画成 28×28 的图像：红色像素亮起时提高该类别的得分，蓝色像素降低它",
    "exp.softmax.weights_mapped": "（换算回原始像素：权重 / 像素标准差）。",
    # ---- linear-regression
    "exp.linreg.samples": "测试样本",
    "exp.linreg.true": "真实：{w:g}·x{j} + {b:g}",
    "exp.linreg.fitted": "拟合：{w:.4f}·x{j} + {b:.4f}",
    "exp.linreg.against": "y 对 x{j}；直线：x{k} = 0 处的平面\n（周围的散布是 x{k} 的贡献 {wk:g}·x{k}）",
    "exp.linreg.residuals": "测试集残差 y − ŷ",
    "exp.linreg.noise": "噪声 N(0, {noise}²)",
    "exp.linreg.density": "概率密度",
    "exp.linreg.residual_title": "残差：均值 {mean:.2g}，标准差 {std:.4f}",
    "exp.linreg.fig_title": "{impl}：拟合的平面 {fitted}；真实 {true}",
    "exp.linreg.recovered": ("学到 w = [{w0:.4f}, {w1:.4f}]、b = {b:.4f}，真实值为 [2, −3.4] 和 4.2：误差分别为 "
                             "{e0:.2g}、{e1:.2g} 和 {eb:.2g}，共训练 {epochs} 个 epoch，每个 epoch {steps} 步。"
                             "测试集 MSE 为 {mse:.3g}，接近噪声方差 {var:g}：没有模型能预测 N(0, {noise}²) 的噪声，"
                             "所以这就是下限。"),
    "exp.linreg.loss": ("损失函数：MSE，即批量上 (ŷ − y)² 的平均，所有实现都一样（本项目的规则：损失值是每个样本的"
                        "平均，所以训练集和测试集的损失值可以比较）。d2l 用批量上 (ŷ − y)²/2 的和，并在它的 sgd 中把"
                        "梯度除以批量大小：即 (ŷ − y)²/2 的平均，是我们损失的一半。它的梯度也是我们的一半，所以我们"
                        "的学习率 {lr:g} 走的步子与 d2l 的学习率 {lr2:g} 相同，而 d2l 打印的损失值是我们的一半："
                        "噪声下限 {var:g} 在那里显示为 {half:g}。"),
    "exp.linreg.caption": "测试样本对每个特征的散点图，附拟合平面的截面（真实的为虚线），以及测试集残差与噪声分布的对比。",
    # ---- diabetes, diabetes-minibatch
    "exp.diabetes.full_batch": "全批量：每一步都使用全部 {n} 行训练数据，每个 epoch 一步（课程的循环）",
    "exp.diabetes.mini_batches": "大小为 {bs} 的小批量，顺序由 (seed, epoch) 决定的随机打乱给出，每个 epoch {steps} 步，取自",
    "exp.diabetes.loader": ("一个 `Dataset` 上的 `torch.utils.data.DataLoader`，其 `__getitem__` 返回一行（课程的数据"
                            "管线）；它的采样器给出 groundup 的带种子的顺序，所以批量与 numpy 和 scratch 运行切出的完全相同"),
    "exp.diabetes.slices": "训练数组的下标切片，只准备一次",
    "exp.diabetes.nn_loader": "（本实验的 nn 运行通过 DataLoader 取同样的批量）",
    "exp.diabetes.against": "与基线相差 {diff:+.4f}",
    "exp.diabetes.exactly": "恰好等于基线：网络对每一行测试数据都回答类别 {majority}，所以它只学到了类别比例，别的什么也没学到",
    "exp.diabetes.what": "本次运行：{batches}。",
    "exp.diabetes.baseline": ("基线：总是回答训练集中占多数的类别（{majority}），在测试集上有 {baseline:.4f} 的行是对的。"
                              "本次运行的测试集正确率为 {acc:.4f}，{verdict}（{share:.1%} 的测试行被预测为类别 "
                              "{majority}）。在这张表上，只有高于这条线的正确率才有意义。"),
    "exp.diabetes.logits": (
        "课程在网络末尾用 sigmoid，并用 `BCELoss` 在概率 p = σ(z) 上训练。这里最后一层返回 logit z，损失函数直接"
        "使用它（`BCEWithLogitsLoss`，手写版本用同一个公式）：−[y log σ(z) + (1−y) log(1−σ(z))] = "
        "max(z, 0) − z·y + log(1 + e^−|z|)，数值相同，梯度同为 (σ(z) − y)/n，且 p > 0.5 当且仅当 z > 0，所以模型、"
        "训练轨迹和预测都与课程一致。logit 形式在数值上更稳定。在 float32 下，z 大于约 17 时 σ(z) 会被舍入为恰好 "
        "1.0：此时 log(1 − p) 是 log 0 = −inf（`BCELoss` 把它截断在 −100，于是一个很有把握的错误答案只付出固定的 "
        "100），而传到 z 的梯度 dL/dp · dp/dz = (p − y)/(p(1 − p)) · p(1 − p) 变成一个巨大的数乘以 0：很有把握的"
        "错误答案完全得不到梯度。用 logit 时损失值保持有限且精确，梯度 σ(z) − y 直接算出：对这个答案是 −1，"
        "是最强的推动。"),
    "exp.diabetes.caption": "每个 epoch 的测试集正确率与多数类基线的对比。",
    "exp.diabetes.majority_line": "多数类基线 {baseline:.4f}",
    # ---- mlp-mnist, cnn-mnist
    "exp.mnist.course": ("课程报告（001）给出的测试集正确率为 97 %（用 `%d` 打印：0.970 到 0.9799 之间都会显示成这样），"
                         "条件是在全部 60,000 张训练图像上训练 {epochs} 个 epoch，批量 {bs}，学习率 {lr:g}，动量 {momentum:g}。"),
    "exp.mnist.same": "本次运行使用了这些设置，最终为 {acc:.4f}。",
    "exp.mnist.not_same": ("本次运行（{epochs} 个 epoch，训练图像 {n_train:,} 张、测试图像 {n_test:,} 张，批量 {bs}，"
                           "学习率 {lr:g}，动量 {momentum:g}）与之不可比；`groundup run mlp-mnist --preset seed` "
                           "使用课程的设置。"),
    "exp.mnist.mlp_params": "网络共有 {n:,} 个参数，其中 {first:,} 个在第一层。",
    "exp.mnist.mlp_init": (
        "三个实现的初始化相同：每一层的权重和偏置都用 NumPy 从 U(−1/√fan_in, 1/√fan_in)（nn.Linear 的取法）抽取一次，"
        "再载入每个实现；批量顺序相同时，它们沿同一条轨迹训练：在 float64 下一致到 1e-8（tests/test_mlp.py）。"
        "在 float32 下，NumPy 和 torch 的矩阵乘法按不同的顺序相加，训练可能放大这些舍入误差，而损失值和正确率"
        "曲线仍然重合：`--impl all` 会测出在本次设置下权重相差多远（comparison.md 中的最大参数差）。"),
    "exp.mnist.cnn_params": "网络共有 {n:,} 个参数，比 MLP 的 {mlp:,} 个少 {times:.0f} 倍：每个 5×5 卷积核在图像的所有位置共享。",
    "exp.mnist.cnn_pool": (
        "这里最大池化在 ReLU 之前（卷积 → 池化 → ReLU）；课程的代码先做 ReLU。两者都保留两个值中较大的那个，"
        "所以 max(relu(a), relu(b)) = relu(max(a, b))，两种顺序计算的是同一个网络；这里的 ReLU 只作用在四分之一"
        "的像素上。"),
    "exp.mnist.cnn_im2col": (
        "`numpy` 把卷积的反向传播写了出来（numpy_impl/conv.py，旁边还有一个便于阅读的循环版本）：im2col 把每个 "
        "5×5 窗口复制成一个矩阵的一行，于是前向传播是一次矩阵乘法，权重梯度是另一次，col2im 再把各窗口的梯度加回"
        "到图像的像素上。`scratch` 的卷积是在张量上做同样的 im2col（`Tensor.unfold`），由自动求导求微分。两种最大"
        "池化都像 nn.MaxPool2d 一样，把 2×2 窗口的全部梯度交给按阅读顺序的第一个最大值，这在 MNIST 的空白背景上"
        "（窗口内数值相等）很重要。"),
    "exp.mnist.cnn_float": (
        "在 float64 下三个实现沿同一条轨迹训练（tests/test_cnn.py 证明整个 epoch 内一致到 1e-8，每个手写的反向传播都通过了中心"
        "差分的梯度检验）。在 float32 下它们会逐渐分开（`--impl all` 会测出本次设置下相差多少：comparison.md 中参数的最大差异）：im2col 和 torch 的直接卷积按不同"
        "的顺序把同样的乘积相加，当池化窗口中最大的两个值之差小于 float32 的舍入误差时，各实现可能选出不同的最大值。"
        "曲线仍然重合。"),
    "exp.mnist.cnn_devices": (
        "设备：训练集和测试集只在模型所在的设备上转换成张量一次（`--device`，`auto` 在有 CUDA 时选用它），所以课程"
        "中把模型移到 GPU 却喂给它 CPU 批量的错误不会发生。"),
    "exp.mnist.filter": "卷积核 {i}",
    "exp.mnist.kernels_title": "{impl}：conv1 学到的 {n} 个 5×5 卷积核",
    "exp.mnist.kernels_caption": "第一层的卷积核（红色：正权重，蓝色：负权重）。",
    # ---- rnn-hello
    "exp.rnn.after": "训练 {n} 个 epoch 后，模型对 `{source}` 预测出 `{final}`（目标 `{target}`）",
    "exp.rnn.first_right": "；第一次预测正确是在 epoch {first} 之后。",
    "exp.rnn.never_right": "；始终没有预测正确。",
    "exp.rnn.no_heldout": "这里没有留出的测试文本：本报告中的测试数字评估的就是训练序列本身。",
    "exp.rnn.tanh": ("隐藏层状态就是输出，tanh 把每个得分限制在 [−1, 1] 内：损失值永远不会低于 {floor:.4f}"
                     "（正确字符 +1，其余 −1）。模型可以预测正确，但永远不会很有把握。"),
    "exp.rnn.epoch_head": "epoch|预测|损失值",
    "exp.rnn.floor": "tanh 得分的损失下限（{floor:.3f}）",
    "exp.rnn.ce_axis": "交叉熵（每个字符的平均）",
    "exp.rnn.chars_right": "预测正确的字符数（共 {n} 个）",
    "exp.rnn.predicted_vs": "预测与 {target} 的对比",
    "exp.rnn.parity": ("{names} 是同一个模型的 {n} 种实现，从相同的参数、以相同的学习率出发；最终相差 {diff:.3g}"
                       "（最大绝对参数差，{dtype}）：手写的随时间反向传播，以及对手写循环的自动求导，计算的都是 "
                       "`nn.RNNCell` 所计算的东西。"),
    "exp.rnn.reads": ("每个变体一次读入 {source} 的一个字符（{vocab} 上的 one-hot 向量，Embedding 版本则是字符编号），"
                      "并在每一步用交叉熵与 {target} 比较打分。一个 epoch 是在整个序列上的一步 Adam；一个 epoch 的"
                      "字符串是模型在这一步之后的预测。"),
    "exp.rnn.cells": ("RNNCell 各变体直接把 4 维的隐藏层状态当作四个得分。tanh 把每个得分限制在 [−1, 1] 内，所以它们的"
                      "损失值永远不会低于 {floor:.4f}（正确字符 +1，其余 −1）：模型可以预测正确，但永远不会很有把握。"
                      "Embedding 版本在循环神经网络之后加了一个 Linear 层，它的得分没有界限。"),
    "exp.rnn.nn_rnn": ("`nn.RNN` 计算的正是 `nn-rnncell` 写出来的那个循环；它从相同的参数出发，这里的差别只因为课程给它"
                       "一半的学习率。课程的 RNNCell 循环把五个字符的损失相加，而其他版本取平均：用 Adam 时更新几乎"
                       "与梯度的尺度无关，所以这只改变打印出的损失值（×5），几乎不影响训练。"),
    "exp.rnn.title": "# {title}：各变体的比较",
    "exp.rnn.intro": ("实验 `{name}`（课程第 {section} 部分），预设 `{preset}`：{epochs} 个 epoch，随机种子 {seed}，"
                      "{dtype}，设备 {device}。每个变体的运行目录中有它自己的报告、指标、检查点和图。"),
    "exp.rnn.head": "变体|实现|模型|参数数|Adam 学习率|优化器|最终损失值|最终字符串|第一次得到 `{target}` 的 epoch",
    "exp.rnn.caption": "每个 epoch、每个变体的损失值（每个字符的平均交叉熵）和预测正确的字符数。",
    "exp.rnn.per_epoch": "## 每个 epoch 预测的字符串",
    "exp.rnn.see_summary": "见每个变体的 `summary.json`（`predicted`）。",
    # ---- basics
    "exp.basics.broadcast.0": ("M - N 和 torch.sub(M, N) 是同一个运算：广播把 M 的一行重复两次、N 的一列重复三次，"
                               "两个操作数都变成 2×3，再逐元素相减。"),
    "exp.basics.broadcast.1": "重复的副本从不真正存储：torch.broadcast_tensors 返回在被拉伸的维度上步长（stride）为 0 的视图。",
    "exp.basics.in_place.0": ("M.sub_(N) 报错 {error}：原地运算把结果写进 M 自己的内存，那里存的是 1×3 矩阵，"
                              "而广播后的结果是 2×3。"),
    "exp.basics.in_place.1": "N 可以被广播到 M 的形状，M 自己却不能变大；M 保持不变（写 M = M - N 可以在一个新张量中得到 2×3 的结果）。",
    "exp.basics.matrices.0": ("Qᵀ 交换行和列（4×2 变成 2×4），它是 Q 的内存的一个视图，而不是副本；P·Qᵀ 要求内侧的"
                              "维数相同，(3×2)·(2×4) = 3×4。"),
    "exp.basics.matrices.1": ("第 (i, j) 个元素是 P 的第 i 行与 Q 的第 j 行的点积：两个大小约为 0.01 的数的乘积之和，"
                              "所以约为 1e-4（这里 |元素| 的平均值为 {typical:.2g}）——这就是为什么较小的初始权重给出较小的输出。"),
    "exp.basics.autograd.0": ("在 torch.no_grad() 下，x³ 被当作常数计算（requires_grad={y2_requires_grad}，没有 "
                              "grad_fn），所以 y3 的计算图中只有 x² 这一支。"),
    "exp.basics.autograd.1": ("因此 backward() 在 x = 1 处给出 dy3/dx = 2x = {grad:g}，而不是完全跟踪的 y3 会给出的 "
                              "2x + 3x² = {grad_tracked:g}。"),
    "exp.basics.broadcast_of": "广播后的 {name}",
    "exp.basics.broadcast_note": "斜线格是重复的副本（步长为 0 的视图，从不存储）。\n原地运算 M.sub_(N) → {error}：{message}",
    "exp.basics.matmul_note": "P, Q ~ N(0, 0.01²)：P·Qᵀ 的每个元素是两个乘积之和，所以约为 10⁻⁴（红色 > 0，蓝色 < 0）。",
    "exp.basics.title.subtraction": "1. 带广播的减法：M (1×3) − N (2×1)，三种写法",
    "exp.basics.title.matrices": "2. 正态分布随机矩阵、转置与矩阵乘法",
    "exp.basics.title.autograd": "3. torch.no_grad() 下的自动求导：x = 1 处的 y3 = x² + x³",
    "exp.basics.intro": "实验 `{name}`（课程第 {section} 部分），预设 `{preset}`，随机种子 {seed}（用于 P 和 Q）。",
    "exp.basics.why": "原因：", "exp.basics.join": "",
    "exp.basics.broadcast_caption": "M 和 N 广播成 2×3（斜线格：重复的副本），以及 M − N。",
    "exp.basics.matmul_caption": "P · Qᵀ = P·Qᵀ，按符号和大小着色。",
    # ---- linear-model
    "exp.landscape.line": ("搜索尝试了 {n} 个 w 值，在 w = {w:.1f} 处找到最小的 MSE {mse:.3g}：三个点恰好在 y = 2x 上。"
                           "这条曲线是抛物线 MSE(w) = (Σx²/n)(w − 2)² = {a:.4g}·(w − 2)²（在 w = 3 处为 {a:.4g}）。"
                           "网格搜索的精度只取决于步长（这里是 0.1）；它能落在精确答案上，只是因为 2.0 恰好在网格上。"),
    "exp.landscape.bowl": ("加上偏置后，{nw}×{nb} = {size} 个网格点在 (w, b) = ({w:.1f}, {b:.1f}) 处找到最小值，"
                           "MSE 为 {mse:.3g}。这个碗不是圆的：它的曲率（Hessian 矩阵的特征值）为 {steep:.3f} 和 "
                           "{flat:.3f}，比值为 {ratio:.0f}。沿着谷底的方向 (Δw, Δb) = ({d0:.2f}, {d1:.2f})，同时增大 "
                           "w、减小 b 几乎不改变损失值：这就是右图中细长的等高线。"),
    "exp.landscape.cost": ("代价就是教训：k 个参数、每个取 41 个值，需要计算 41^k 次——一个参数 41 次，两个 {two} 次，"
                           "MNIST 上 softmax 回归的 7,850 个权重则需要 41^7850 ≈ 10^{power:,.0f} 次。梯度下降"
                           "（`groundup run gradient-descent`）则是沿着斜坡走。"),
    "exp.landscape.grid_point": "网格点（步长 0.1）",
    "exp.landscape.minimum_w": "最小值：w = {w:.1f}，MSE = {mse:.3g}",
    "exp.landscape.mse_axis": "MSE（每个样本的平均）",
    "exp.landscape.line_title": "y = w·x，x = [1, 2, 3]，y = [2, 4, 6]",
    "exp.landscape.minimum_wb": "最小值 (w, b) = ({w:.1f}, {b:.1f})\nMSE = {mse:.3g}",
    "exp.landscape.surface": "MSE(w, b) 曲面；★ 最小值在 ({w:.1f}, {b:.1f})",
    "exp.landscape.valley": "谷底（最平缓的方向）",
    "exp.landscape.contours": "MSE(w, b) 等高线",
    "exp.landscape.surface_title": "y = w·x + b，x = [1, 2, 3]，y = [3, 5, 7]：w 和 b 的网格步长均为 0.1",
    "exp.landscape.line_caption": "y = w·x 的 MSE 随 w 的变化，标出了最小值。",
    "exp.landscape.surface_caption": "y = w·x + b 在 (w, b) 上的 MSE：曲面和等高线，标出了最小值。",
    "exp.landscape.head": "模型|数据 y|网格|最小值位置|该处的 MSE",
    "exp.landscape.intro": "实验 `{name}`（课程第 {section} 部分），预设 `{preset}`。损失函数：MSE，即 (预测 − y)² 在样本上的平均。",
    # ---- gradient-descent
    "exp.gd.same_work": (
        "**同样的工作量。** 学习率 {lr:g}、{e} 个 epoch，每种方法在含噪数据集上都计算了 {full[sample_gradients]:,} "
        "个单样本梯度。全批量把全部 {n} 个梯度平均后用于它的每一次更新（共 {full[updates]} 次），SGD 每个样本走一步"
        "（{sgd[updates]:,} 次更新），小批量每 {mini[batch_size]} 个样本走一步（{mini[updates]:,} 次更新）。"),
    "exp.gd.progress": (
        "**每个梯度带来的进展。** 一个 epoch 后，损失值比最小值高出 {full[excess_epoch_1]:.3g}（全批量）、"
        "{sgd[excess_epoch_1]:.3g}（SGD）和 {mini[excess_epoch_1]:.3g}（小批量）；{e} 个 epoch 后为 "
        "{full[excess]:.3g}、{sgd[excess]:.3g} 和 {mini[excess]:.3g}。全批量最终停在 w = {full[w]:.4f}、"
        "b = {full[b]:.4f}；最小二乘的最小值是 ({mn.w:.4f}, {mn.b:.4f})，{best} 最终离它最近。按更新次数看，"
        "三条曲线一开始是重合的：一步就是一步，只是全批量走的步数少得多。在课程的三个精确数据点上，全批量达到 "
        "w = {course_full:.6f}，SGD 达到 w = {course_sgd:.6f}。"),
    "exp.gd.noisy": (
        "**SGD 的噪声路径。** 单个样本的梯度在平均损失的最小值处并不为零，所以 SGD 永远停不下来：在最后一个 epoch 中，"
        "它有 {sgd[rises_last_epoch]:.0%} 的更新*提高*了整个数据集上的损失值，w 在 {sgd[w_spread_last_epoch]:.3g} "
        "的范围内游走（小批量：{mini[rises_last_epoch]:.0%} 和 {mini[w_spread_last_epoch]:.3g}；全批量："
        "{full[rises_last_epoch]:.0%}，它只会下降）。学习率越小、批量越大，噪声越小。课程的三个精确数据点没有这样的"
        "下限：在那里每个样本的梯度都在 w = 2 处为零。"),
    "exp.gd.parallel": (
        "**全批量的并行性。** 全批量训练全部 {e} 个 epoch 用了 {full_ms:.2f} 毫秒：每次更新是对 {n} 个样本的一次"
        "向量化计算。SGD 用了 {sgd_ms:.1f} 毫秒，同样多的梯度却慢了 {sgd_ratio:.0f} 倍，因为它的每次更新都需要上一次"
        "更新留下的 w：它们不能并行执行，而且每一步都要付出 Python 的开销（每次更新 {sgd[us_per_update]:.1f} 微秒）。"),
    "exp.gd.mini": (
        "**小批量，折中的办法。** 批量为 {mini[batch_size]} 时，小批量用了 {mini_ms:.1f} 毫秒（比 SGD 快 "
        "{mini_speedup:.0f} 倍），最终比最小值高 {mini[excess]:.3g}，而 SGD 高 {sgd[excess]:.3g}：把 "
        "{mini[batch_size]} 个梯度取平均，噪声的方差就除以 {mini[batch_size]}，而每一步仍然是一次向量化运算，"
        "每个 epoch 仍有 {mini[updates_per_epoch]} 步。这就是课程后面都用小批量训练的原因。"),
    "exp.gd.excess_axis": "MSE − 最小 MSE",
    "exp.gd.epoch_axis": "epoch（= n 个单样本梯度）",
    "exp.gd.update_axis": "更新次数（参数走的步数）",
    "exp.gd.against_epochs": "按 epoch（粗线：epoch 结束时；细线：每次更新）",
    "exp.gd.minimum4": "最小 MSE {loss:.4g}，在 w = {w:.4f}",
    "exp.gd.minimum6": "最小 MSE {loss:.6g}，在 w = {w:.6f}",
    "exp.gd.against_updates": "按更新次数；批量大小：{batches}",
    "exp.gd.comparison_title": "全批量、SGD 与小批量梯度下降，学习率 {lr:g}",
    "exp.gd.ls_minimum": "最小二乘的最小值",
    "exp.gd.method_batch": "{method}（批量 {batch}）",
    "exp.gd.from": "从 (w, b) = ({w0:g}, {b0:g}) 出发；● 各方法的终点",
    "exp.gd.zoom": "最小值附近的放大：各方法的最后一个 epoch",
    "exp.gd.paths_title": "：(w, b) 在损失函数等高线上的路径",
    "exp.gd.head": "方法|批量|更新次数|单样本梯度数|最终 w|最终 b|最终 MSE|MSE − 最小值|时间（毫秒）|微秒 / 次更新",
    "exp.gd.intro": ("实验 `{name}`（课程第 {section} 部分），预设 `{preset}`：{epochs} 个 epoch，每种方法的学习率都是 "
                     "{lr:g}，起点 w = {w0:g}、b = {b0:g}，随机种子 {seed}。只用 NumPy；MSE 的梯度手写为："
                     "∂L/∂w = (2/n) Σ (w x + b − y) x，∂L/∂b = (2/n) Σ (w x + b − y)。"),
    "exp.gd.least_squares": "最小二乘：{best}。",
    "exp.gd.comparison_caption": "损失值比最小值高出多少：按 epoch（梯度数相同）和按更新次数。",
    "exp.gd.paths_caption": "含噪数据集：每次更新后的 (w, b) 画在损失函数等高线上，以及各方法在最小值附近的最后一个 epoch。",
    "exp.gd.csv": "每种方法每个 epoch 的损失值：[epochs.csv](epochs.csv)。",

    # ---- 代码写下的模型与数据的说明（整句匹配）
    "desc.dense": "{sizes}（{head} 输出）",
    "desc.dense_hidden": "{sizes}（{head} 输出，隐藏层用 {act}）",
    "desc.rnn_cell": "RNN 单元 {sizes}（tanh），one-hot 输入，隐藏层状态即得分",
    "desc.mnist": "MNIST，按 (x − {mean}) / {std} 归一化",
    "desc.diabetes": "Pima 糖尿病数据表（{n} 行，{file}；分层划分 {train}/{test}，随机种子 {seed}）",
    "desc.linear": "d2l 的合成线性数据集（y = Xw + b + N(0, {noise}²)）",
    "desc.sequence": "{text}（一个序列）",
    # ---- 运行与实验报告在终端打印的行
    "run.header": "{name}：{title}（课程 {section}）-> {folder}",
    "run.landscape_line": "y = w·x，x = [1, 2, 3]，y = [2, 4, 6]；w = 0, 0.1, ..., 4 时的 MSE（每隔 0.5 显示一个）：",
    "run.landscape_grid": "y = w·x + b，y = [3, 5, 7]；在 w, b = 0, 0.1, ..., 4 的 {nw}×{nb} 网格上的 MSE：",
    "run.landscape_min_w": "最小值在 w = {w:.1f}，MSE = {mse:.3g}",
    "run.landscape_min_wb": "最小值在 (w, b) = ({w:.1f}, {b:.1f})，MSE = {mse:.3g}",
    "run.gd_header": "{name}：{title}（课程 {section}）：{epochs} 个 epoch，学习率 {lr:g}，起点 w = {w0:g}、b = {b0:g} -> {folder}",
    "run.gd_sgd_took": "同样多的梯度，SGD 用的时间是全批量的 {ratio:.0f} 倍；分析见 {path}",
    "run.rnn_header": "{name}：{source} -> {target}，每个变体用 Adam 训练 {epochs} 个 epoch -> {out}",
    "run.rnn_predicted": "  {variant}，每个 epoch 之后的预测：{predicted}",
    "run.epoch": "epoch {epoch}/{epochs}：训练集损失值 {train:.4g}{train_acc}；测试集损失值 {test:.4g}{test_acc}；{seconds:.2f} 秒",
    "run.accuracy": "，正确率 {acc:.4f}",
    "run.start": "{name} [{impl}] {model}，数据 {dataset}：{epochs} 个 epoch，批量大小 {batch}，学习率 {lr:g} -> {folder}{resuming}",
    "run.resuming": "（从 epoch {n} 之后继续）",
    "run.already": "{name} [{impl}]：已经训练了 {n} 个 epoch，多于 --epochs {epochs}；运行到此为止",
    "run.done": "  完成：测试集损失值 {loss:.4g}{acc}，训练用时 {seconds:.2f} 秒",
    "run.done_accuracy": "，测试集正确率 {acc:.4f}",
    "run.diff": "各实现之间的最大参数差：{diff:.3g}  -> {path}",
    "lab.line.no_preset": "{prefix} 没有预设 {preset}：改用 {own} 运行",
    "lab.line.kept": "{prefix} 之前已完成，保留  {headline}",
    "lab.line.done": "{prefix} 完成，用时 {seconds:5.1f} 秒  {headline}",
    "lab.line.skipped": "{prefix} 跳过：{reason}",
    "lab.line.failed": "{prefix} 失败：{reason}",
    "lab.line.interrupted": "实验报告已中断；继续运行：groundup lab --resume {out}",
    # ---- 命令下层代码写出的错误（与 ``msg.*`` 一样整句匹配）
    "err.choice": "未知的{what}：{value}；可选：{choices}",
    "err.setting": "{name} 应为 {allowed}，实际为 {got}",
    "err.diverged": "损失值在第 {epoch} 个 epoch 变成了非有限值（lr={lr}）；学习率可能太大了：试试 --lr {new}",
    "err.interrupted_early": "{name} [{impl}] 在第 1 个 epoch 中途被中断，还没有完成任何 epoch：没有保存任何内容",
    "err.interrupted_after": ("{name} [{impl}] 在完成 {n} 个 epoch（共 {total} 个）后被中断；目前的报告：{report}；"
                              "继续训练：groundup run {name} --resume {target}"),
    "err.interrupted_writing": "{name} [{impl}] 在写报告时被中断；全部 {n} 个 epoch 都已保存：完成它：groundup run {name} --resume {target}",
    "err.not_found": "{title}：未找到。查找过：{looked}。\n获取方式（任选其一）：{ways}",
    "err.ways_vision": ("`groundup data download {name}`（需要联网），或用 `--data-dir DIR` / `GROUNDUP_DATA=DIR` "
                        "指向一个含有 {name2}/（内有四个官方文件）的文件夹{debian}"),
    "err.ways_debian": "，\n或安装 Debian 的 `dataset-fashion-mnist` 软件包（安装到 {root}）。",
    "err.ways_diabetes": ("用 `--data-dir DIR` / `GROUNDUP_DATA=DIR` 指向一个含有 diabetes/diabetes.csv 或 "
                          "diabetes/diabetes.csv.gz 的文件夹（这份数据没有下载渠道）。"),
    "err.unknown_data": "未知的数据集 {name}；可选：{names}",
    "err.argument": "参数 {arg}：{message}",
    "err.unrecognized": "无法识别的参数：{args}",
    "err.required": "缺少必需的参数：{args}",
    "err.invalid_choice": "无效的选择：{value}（可选：{choices}）",
    "err.resume_then": "这次运行已保存到最后一个完成的 epoch：继续训练：groundup run {name} --resume {folder}",
    "err.z_os_then": "{where}：{reason}；{then}",
    "err.z_os": "{where}：{reason}",
    # ---- 命令在终端打印的行
    "cli.error": "groundup：错误：{text}",
    "cli.hint": "groundup：{text}",
    "cli.usage": "{prog}：错误：{message}（见 '{prog} --help'）",
    "cli.interrupted": "groundup：已中断",
    "cli.report": "报告：{path}",
    "cli.list_head": "名称|课程|模型|数据|实现|预设",
    "cli.runs_head": "运行目录|实验|实现|预设|状态|epoch 数|最终结果",
    "cli.no_runs": "{root} 中没有运行记录",
    "cli.no_folder": "{root}：文件夹不存在；运行记录存放在你运行 groundup 的文件夹下的 runs/ 中",
    "cli.lab_done": "共运行 {done} 个实验（计划 {n} 个），用时 {seconds:.0f} 秒；报告：{html}（另有 index.md）",
    "cli.lab_failed": "{k} 个实验失败：{names}（见 {md}）；排除原因后再运行同一条命令，即可把它们做完",
    "cli.lab_folder_once": "实验报告的文件夹只需给一次：--resume DIR 或 --out DIR",
    "cli.nothing_to_predict": ("没有要预测的内容：请给出运行目录和图像文件（groundup predict RUN_DIR IMAGE...），"
                               "或一张测试图像（groundup predict RUN_DIR --test-index N）"),
    "cli.not_found": "未找到", "cli.searched": "搜索过：{roots}",
    "cli.skipped": "{name}：未找到（跳过）", "cli.ok": "正常", "cli.failed": "失败（{error}）",
    "cli.sha_mismatch": "SHA-256 不符",
    "cli.downloaded": "{name}：已下载并校验，位于 {path}",
    # ---- exercise list / start、check、grade
    "exercise.head": "名称|课程|文件|本目录|你要写的",
    "exercise.wrote": "已写入 {target}：要写 {n} 个函数（{names}）",
    "exercise.when_ready": "写好后检查：groundup check {target}",
    "exercise.in_notebook": "在 notebook 中：把函数写进单元格，然后运行 groundup.check(\"{name}\")",
    "exercise.not_folder": "{path} 不是文件夹",
    "exercise.exists": "{target} 已存在；要覆盖它请加 --force（你已写的代码会丢失）",
    "exercise.name_file": "请指明要检查的文件（{why}）",
    "exercise.found": "找到了：{files}", "exercise.none_here": "本文件夹中没有练习文件",
    "exercise.no_file": "{path}：文件不存在",
    "exercise.which": "无法从文件名 {name} 看出是哪个练习；请加 --exercise NAME",
    "exercise.unknown": "没有名为 {name} 的练习；可选：{names}",
    "exercise.no_functions": "这个 notebook 还没有定义 {names} 中的任何一个：先运行定义它们的单元格，再检查",
    "exercise.no_source": "{names}：已定义，但无法读取其源代码（是用 exec 定义的，还是来自编译过的模块？）：请在 notebook 单元格或 .py 文件中定义后再检查",
    "check.header": "{exercise}：{file}",
    "check.hint": "提示：{hint}",
    "check.summary": "{n} 项检查通过 {ok} 项（得分 {score:.2f}），用时 {seconds:.1f} 秒",
    "check.flags": "⚠ 做了正确解答从不需要做的事：{flags}",
    "check.score": "得分", "check.passed": "通过", "check.failed": "未通过",
    "grade.flags": "  可疑操作：{flags}",
    "grade.troubled": "groundup：错误：有 {n} 份提交未能完成评分（评分程序自身出错）：{names}（详见各自的反馈文件）",
    "grade.interrupted": "评分已中断：{n} 份提交中已评 {done} 份，结果已写入 {out}；再运行一次同样的命令即可评完其余的",
    "sandbox.fallback": ("groundup：bubblewrap（bwrap）在这台机器上不可用：提交的代码将作为普通进程运行，"
                         "可以读到 groundup 的参考答案、数据集以及当前用户能读的其他文件"),
    "grade.row": "{submission}  {score:.2f}  {status}  {seconds:6.1f} 秒  {error}",
    "grade.summary": "共 {n} 份提交，{passed} 份通过了全部检查；已写入 {out}，以及 {feedback}/ 中的 {n} 个反馈文件",
    # 检查代码写出的英文消息（整句匹配，逐个字段翻译）
    "msg.not_notebook": "{file} 不是 nbformat 能读取的 notebook：{error}",
    "msg.encoding": "{file} 不是 UTF-8 编码（{error}）；请把它另存为 UTF-8，或在文件第一行声明编码：# -*- coding: gbk -*-",
    "msg.skipped": "略去了 {n} 行不属于练习的代码（IPython 魔法命令、以 ! 开头的 shell 命令、对 groundup 本身的调用）：{lines}",
    "card.preset": "预设 {preset}", "card.status": "状态：{status}",
    "card.diff": "各实现之间的最大参数差{what}：{value}", "card.what": "（{what}）",
    "card.report": "报告：{path}",
    "card.kind": "（{kind}）",
    "card.word.best test accuracy": "测试集最佳正确率", "card.word.predicted": "预测",
    "card.word.s / epoch": "秒 / epoch", "card.word.epochs completed": "完成的 epoch 数",
    "card.word.run": "运行", "card.word.comparison": "比较", "card.word.experiment": "实验",
    "card.word.lab": "实验报告", "card.word.completed": "已完成", "card.word.interrupted": "已中断",
    "card.word.diverged": "已发散", "card.word.running": "运行中",
    "nb.file": "本 notebook 中的函数",
    "msg.not_run": "未运行：{reason}",
    "msg.flag_proc": "读取了 /proc/{pid}（别的进程）",
    "msg.flag_own": "打开了 {path}（groundup 自己的文件）",
    "msg.flag_opened": "打开了 {path}（在自己的文件夹之外）",
    "msg.flag_wrote_outside": "写入了 {path}（在自己的文件夹之外）",
    "msg.flag_wrote": "写入了 {path}",
    "msg.flag_process": "启动了子进程",
    "msg.flag_network": "访问了网络",
    "msg.flag_signal": "向进程 {pid} 发送了信号",
    "msg.flag_ctypes": "使用了 ctypes（直接操作内存、调用 C 函数）",
    "msg.flag_gc": "检查了解释器中的对象（gc）",
    "msg.flag_blocker": "从 sys.meta_path 中移除了导入拦截器，以导入 {module}",
    "msg.flag_meta_path": "改动了 sys.meta_path（导入拦截器）",
    "msg.did_not_load": "文件未能加载",
    "msg.not_defined": "{file} 中没有定义 {name}",
    "msg.syntax": "{file} 第 {line} 行有语法错误：{error}",
    "msg.imports_groundup": "{file} 第 {line} 行导入了 {module}：练习中不能使用 groundup 的参考答案",
    "msg.imports_torch": "{file} 第 {line} 行导入了 {module}：{exercise} 要手写，只能用 NumPy",
    "msg.cannot_read": "无法读取 {file}：{error}",
    "msg.overflowed": "数值溢出：{error}",
    "msg.matches": "{what}：与参考答案一致（相对误差 {err}）",
    "msg.ratio": "{text}（比值 {r}）",
    "msg.rel_error": "{text}（相对误差 {err}）",
    "msg.nonfinite": "{text}；{n} 个元素中有 {k} 个是 NaN/inf",
    "msg.expected_array": "{what}：应返回形状为 {want} 的数组，实际返回 {got}",
    "msg.expected_one": "{what}：应返回一个数（{want}），实际返回形状为 {got} 的数组",
    "msg.expected_number": "{what}：应返回一个数，实际返回 {got}",
    "msg.expected": "{what}：应为 {want}，实际为 {got}",
    "msg.show_array": "[{head}]（形状 {shape}）",
    "msg.shape": "{shape} 的形状",
    "msg.show_seq": "含 {n} 个元素的 {kind}",
    "msg.grad_ok": "相对误差 {err} <= {tol}（中心差分，h = 1e-5）",
    "msg.grad_bad": "{what}：与你自己函数的中心差分相比，相对误差 {err} > {tol}",
    "msg.no_number": "梯度检验时 {name} 没有返回一个数",
    "msg.todo": "还没写：{what} 抛出了 NotImplementedError",
    "msg.raised": "{what}：抛出了 {error}",
    "msg.not_array": "{what} 返回了 {got}，它既不是 NumPy 数组也不是数",
    "msg.exit": "{what} 调用了 {call}：提交的代码不能退出进程",
    "msg.memory": "{what} 内存不足（上限 {mb} MB）",
    "msg.timeout": "{what} 没能在 {seconds} 秒的时间限制内结束（是不是死循环？）",
    "msg.process_ended": "提交代码的进程在{what}时结束了（退出码 {code}）：它不能退出",
    "msg.process_was": "提交代码的进程在{what}时被{why}",
    "msg.of_object": "对象的 {name}",
    "msg.loading": "加载文件",
    "msg.match_reference": "{what} 与参考答案一致",
    "msg.match_reference_of": "{what} 与参考答案一致（{detail}）",
    "msg.batch_of": "批量大小 {n}",
    "msg.arrays_batch": "{k} 个数组，批量大小 {n}",
    "msg.trace": "{where} 第 {line} 行，{function} 中：{code}",
    "msg.inuse_softmax": "在 Fashion-MNIST 上训练 1 个 epoch（{n} 张训练图像，批量大小 256，学习率 0.1，float32）",
    "msg.inuse_accuracy_note": "{what}：测试集正确率 {acc}，从同一起点出发的参考答案为 {ref}；{note}",
    "msg.accuracies": "测试集正确率 {acc}，从同一起点出发的参考答案为 {ref}",
    "msg.loss_differs": "但 train_step 返回的损失值不一致：{text}",
    "msg.inuse_cnn": "课程的 CNN 在 {n} 张 MNIST 图像上训练一个 epoch（批量大小 64，学习率 0.01，动量 0.5）",
    "msg.inuse_mlp": "784-64-10 的 MLP，5,000 张 MNIST 图像，批量大小 64，学习率 {lr}",
    "msg.inuse_mlp_momentum": "784-64-10 的 MLP，5,000 张 MNIST 图像，批量大小 64，学习率 {lr}，动量 {momentum}",
    "msg.inuse_logistic": ("在合成数据集上用 SGD 训练 10 个 epoch（批量大小 64，学习率 0.5）：用你的 predict 得到的测试集"
                           "正确率为 {acc}（参考答案达到 {ref}；至少需要 {target}）"),
    "msg.inuse_rnn": "\"hello\" → \"ohlol\"，{n} 步 Adam（学习率 {lr}）",
    "msg.of_loss": "L = {expr} 的 {what}",
    "msg.fpe": "FloatingPointError（在 {op} 中{kind}）",
    "msg.returned_expected": "{what} 返回了 {got}，应为 {want}",
    "msg.returned_for": "对 {inputs}，{what} 返回了 {got}",
    "msg.returned": "{what} 返回了 {got}",
    "msg.gave": "{what} 给出了 {got}，应为 {want}",
    "msg.grad_of": "{name} 的梯度是 {got}，应为 {want}",
    "msg.after_step": "训练一步之后 {name} 是 {got}，形状应为 {want}",
    "msg.loss_as": "训练的一步返回的损失值是 {got}，应为一个浮点数",
    "msg.logits_of_shape": "形状为 {shape} 的 logit",
    "msg.n_logits": "{n} 个 logit",
    "msg.no_keys": "{what}：grads 中没有 {keys}",
    "msg.rows": "{n} 行",
    "msg.of_rows": "{what}（{n} 行）",
    "msg.n_batches": "{n} 个批量",
    "msg.permutation": "0..{m} 的一个排列",
    "msg.features_of": "{what} 的特征",
    "msg.batch_x": "第 {k} 个批量的 {part}",
    "msg.batch_k": "第 {k} 个批量",
    "msg.batches_of": "从 {n} 行切出的大小为 {b} 的批量",
    "msg.batches_given": "按给定顺序从 {n} 行切出 {k} 个大小为 {b} 的批量",
    "msg.table_rows": "len 和 dataset[i] 给出了数据表的 {n} 行",
    "msg.mse_grad_agrees": "mse_grad 与 MSE 的中心差分一致（{value}）",
    "msg.course_run_epoch": "课程的训练（w = 1，lr = 0.01）：第 {e} 个 epoch 后 w = {w}，参考答案为 {ref}",
    "msg.after_100": "100 个 epoch 后 w = {w}，而最小二乘的 w 是 {ls}",
    "msg.course_run_ends": "课程的训练（w = 1，lr = 0.01，100 个 epoch）最终 w = {w}；最小二乘：{ls}",
    "msg.course_grid": "课程的网格 w = 0.0, 0.1, ..., 4.0 在 x = [1, 2, 3]、y = [2, 4, 6] 上找到 w = {w}（损失值 {loss}）",
    "msg.rnn_over": "dxs、dh0 和各参数在 {t} 步上的梯度",
    "msg.through_time": "{what}（随时间）",
    "msg.cell_says": "{what}：训练后的单元输出 \"{said}\"",
    "msg.cell_note": "{what}；训练后的单元输出 \"{said}\"",
    "msg.stopped_by": "{signal} 信号终止",
    "msg.diverged": "实际使用的训练发散了：{error}",
    "msg.diverged_epoch": "实际使用的训练发散了：损失值在第 {epoch} 个 epoch 变成了非有限值",
    "msg.needs": "实际使用的训练需要 {what}：{error}",
    "msg.steps_count": "{what}：训练了 {k} 步，参考答案是 {n} 步",
    "msg.step_first": "{what}：第 {i} 步（共 {n} 步）的损失值是 {got}，参考答案为 {want}（第一步就不同）",
    "msg.step_later": "{what}：第 {i} 步（共 {n} 步）的损失值是 {got}，参考答案为 {want}（前 {k} 步一致：误差是逐渐累积的，或者后来才出现）",
    "msg.all_steps": "全部 {n} 步都与参考答案一致（最大相对差 {d}）",
    "msg.test_accuracy": "{what}：{note}；测试集正确率 {acc}（参考答案 {ref}）",
    "msg.apart": "{text}；相差超过 {tol}",
    # 最后：通用的形式
    "msg.z_colon": "{what}：{text}",
    "msg.z_and": "{a} 和 {b}",
    "msg.z_then": "{a}；{b}",
    # ---- notebook 中的检查与结果卡片
    # ---- 班级报告（groundup grade）：class.md / class.html
    "class.title": "# 班级报告：{exercise}",
    "class.summary": ("共评分 {n} 份提交，其中 {passed} 份通过了全部检查项；平均分 {mean:.2f}，中位数 "
                      "{median:.2f}。文件夹中未评分的文件：{skipped} 个。"),
    "class.h_scores": "## 分数分布",
    "class.fig_alt": "分数分布",
    "class.fig_score": "分数（通过的检查项所占比例）",
    "class.fig_count": "提交数",
    "class.fig_title": "{n} 份提交，平均分 {mean:.2f}",
    "class.col_score": "分数",
    "class.col_submissions": "提交数",
    "class.h_checks": "## 各检查项的通过率",
    "class.col_check": "检查项",
    "class.col_passed": "通过数",
    "class.col_checked": "已检查",
    "class.col_rate": "通过率",
    "class.none": "没有运行任何检查项。",
    "class.h_mistakes": "## 已识别的常见错误",
    "class.sep": "、",
    "class.mistake_count": "`{id}`（{n}）",
    "class.most_common": "最常见的错误：{top}。",
    "class.col_meaning": "含义",
    "class.col_mistake": "错误",
    "class.col_count": "提交数",
    "class.col_who": "哪些提交",
    "class.no_mistakes": "没有任何提交出现本练习已识别的常见错误。",
    "class.h_problems": "## 未能加载、超时或被拒绝的提交",
    "class.col_submission": "提交",
    "class.col_what": "情况",
    "class.col_line": "错误信息的第一行",
    "class.kind_refused": "被拒绝（导入了禁止使用的模块）",
    "class.kind_timeout": "超时",
    "class.kind_crashed": "崩溃或内存不足",
    "class.kind_not_loaded": "未能加载",
    "class.no_problems": "所有提交都能加载，并在限制之内运行完毕。",
    "class.h_not_graded": "## 未评分的文件",
    "class.col_file": "文件",
    "class.col_why": "原因",
    "class.all_graded": "文件夹中的每个文件都已评分。",
    "class.skip_not_py": "不是 .py 或 .ipynb 文件（{suffix}）",
    "class.no_suffix": "没有扩展名",
    "class.skip_no_file": "文件夹中没有 {file}",
    "class.skip_same_name": "与提交 {name} 同名",
    "class.h_time": "## 评分用时",
    "class.time": "各份提交的检查用时合计 {total:.1f} 秒；最慢的一份用了 {slowest:.1f} 秒（{who}）。",
    "class.wall": "本次评分检查了 {checked} 份提交，实际用时 {wall:.1f} 秒（每分钟 {rate:.1f} 份）。",
    "class.kept": "有 {kept} 份提交与上次的 grades.csv 相比没有变化，沿用了上次的结果，没有重新检查。",
    "class.h_all": "## 全部提交",
    "class.col_failed": "未通过的检查项",
    "class.not_graded_line": "未评分：{name}：{why}",
    "class.kept_line": "{out} 中有 {kept} 份未变化的提交沿用了上次的结果（加 --force 可全部重新检查）",
    "class.wrote": "已写入班级报告 {md} 和 {html}",
}

# 代码里用英文写下的名字与短语（练习的检查名、练习要写的内容、检查比较的对象），整句对应的中文。
# 没有列在这里的照原样显示（多半是代码标识符）。
CODE = {
    # 各练习要写的内容
    "the prediction y = w·x, the mean squared error, the grid search over w": "预测 y = w·x、均方误差、对 w 的网格搜索",
    "the MSE gradient, one gradient-descent step, one SGD epoch": "MSE 的梯度、一步梯度下降、一个 epoch 的 SGD",
    "sigmoid, binary cross-entropy from logits and its gradient, 0/1 predictions":
        "sigmoid、由 logit 计算的二元交叉熵及其梯度、0/1 预测",
    "softmax, cross-entropy and its gradient, accuracy, one SGD step of a linear classifier":
        "softmax、交叉熵及其梯度、正确率、线性分类器的一步 SGD",
    "a linear layer and ReLU, forward and backward (dx, dW, db)": "线性层与 ReLU 的前向传播和反向传播（dx、dW、db）",
    "one SGD step with momentum and weight decay, as torch.optim.SGD defines them":
        "带动量和权重衰减的一步 SGD（按 torch.optim.SGD 的定义）",
    "conv2d forward and backward (stride 1, no padding), 2×2 max-pool forward and backward":
        "conv2d 的前向传播和反向传播（步长 1，无填充），2×2 最大池化的前向传播和反向传播",
    "the RNN cell forward (one step, a sequence) and backpropagation through time":
        "RNN 单元的前向传播（一步、一个序列）与随时间反向传播",
    "a Dataset over the diabetes table, a seeded shuffle per epoch, mini-batches":
        "糖尿病数据表上的 Dataset、每个 epoch 带随机种子的打乱、小批量",
    # 检查名
    "file loads": "文件能加载",
    "forward values": "forward 的值", "mse value": "mse 的值", "grid_search": "grid_search",
    "in use: the course's grid finds w = 2": "实际使用：课程的网格找到 w = 2",
    "mse_grad value": "mse_grad 的值", "mse_grad gradient check": "mse_grad 的梯度检验",
    "gd_step": "gd_step", "sgd_epoch": "sgd_epoch",
    "in use: the course's run converges to w = 2": "实际使用：课程的训练收敛到 w = 2",
    "sigmoid values": "sigmoid 的值", "sigmoid without overflow": "sigmoid 不溢出",
    "bce_loss value": "bce_loss 的值", "bce_loss without overflow": "bce_loss 不溢出",
    "bce_grad values": "bce_grad 的值", "bce_grad gradient check": "bce_grad 的梯度检验",
    "batch of one": "批量大小为 1", "predict": "predict", "in use: the synthetic set": "实际使用：合成数据集",
    "softmax values": "softmax 的值", "softmax without overflow": "softmax 不溢出",
    "cross_entropy value": "cross_entropy 的值", "cross_entropy without overflow": "cross_entropy 不溢出",
    "cross_entropy_grad values": "cross_entropy_grad 的值",
    "cross_entropy_grad gradient check": "cross_entropy_grad 的梯度检验",
    "accuracy": "accuracy", "train_step": "train_step",
    "in use: one epoch on Fashion-MNIST": "实际使用：在 Fashion-MNIST 上训练 1 个 epoch",
    "linear_forward values": "linear_forward 的值", "linear_backward values": "linear_backward 的值",
    "linear_backward gradient check": "linear_backward 的梯度检验",
    "linear_backward, batch of one": "linear_backward，批量大小为 1",
    "relu_forward values": "relu_forward 的值", "relu_backward values": "relu_backward 的值",
    "relu_backward gradient check": "relu_backward 的梯度检验",
    "in use: an MLP on 5,000 MNIST images": "实际使用：在 5,000 张 MNIST 图像上训练 MLP",
    "plain SGD": "普通 SGD", "first step with momentum": "带动量的第一步", "momentum with a velocity": "已有速度时的动量",
    "weight decay": "权重衰减", "a changed learning rate": "改变了的学习率",
    "in use: the MLP with momentum 0.5": "实际使用：动量为 0.5 的 MLP",
    "conv2d_forward values": "conv2d_forward 的值", "conv2d_backward values": "conv2d_backward 的值",
    "conv2d_backward gradient check": "conv2d_backward 的梯度检验",
    "conv2d_backward, batch of one": "conv2d_backward，批量大小为 1",
    "maxpool_forward values": "maxpool_forward 的值", "maxpool_backward with ties": "有并列最大值时的 maxpool_backward",
    "maxpool_backward gradient check": "maxpool_backward 的梯度检验",
    "in use: one epoch of the course CNN": "实际使用：课程的 CNN 训练一个 epoch",
    "rnn_step_forward values": "rnn_step_forward 的值", "rnn_step_backward values": "rnn_step_backward 的值",
    "rnn_forward values": "rnn_forward 的值", "rnn_backward (through time) values": "rnn_backward（随时间）的值",
    "rnn_backward gradient check": "rnn_backward 的梯度检验",
    'in use: "hello" → "ohlol"': '实际使用："hello" → "ohlol"',
    "Dataset: len and rows": "Dataset：长度与各行", "epoch_order: a seeded shuffle per epoch":
        "epoch_order：每个 epoch 带随机种子的打乱",
    "batches": "batches", "batches, last batch smaller": "batches，最后一个批量较小",
    "in use: the diabetes mini-batch run": "实际使用：糖尿病数据的小批量训练",
    # 检查比较的对象
    "softmax of logits up to ±1e4": "logit 达到 ±1e4 时的 softmax",
    "cross_entropy of logits up to ±1e4": "logit 达到 ±1e4 时的 cross_entropy",
    "sigmoid of logits up to ±1e4": "logit 达到 ±1e4 时的 sigmoid",
    "bce_loss of logits up to ±1e4": "logit 达到 ±1e4 时的 bce_loss",
    "cross_entropy, batch of one": "批量大小为 1 时的 cross_entropy",
    "cross_entropy_grad, batch of one": "批量大小为 1 时的 cross_entropy_grad",
    "bce_loss, batch of one": "批量大小为 1 时的 bce_loss", "bce_grad, batch of one": "批量大小为 1 时的 bce_grad",
    "cross_entropy_grad against cross_entropy": "cross_entropy_grad 对照 cross_entropy",
    "bce_grad against bce_loss": "bce_grad 对照 bce_loss",
    "relu_backward against relu_forward": "relu_backward 对照 relu_forward",
    "maxpool_backward against maxpool_forward": "maxpool_backward 对照 maxpool_forward",
    "train_step's loss (before the step)": "train_step 返回的损失值（更新之前）",
    "train_step's gradient of W ((old - new) / lr)": "train_step 所用的 W 的梯度（(旧 - 新) / lr）",
    "train_step's gradient of b ((old - new) / lr)": "train_step 所用的 b 的梯度（(旧 - 新) / lr）",
    "gd_step's step (w - new w) / lr": "gd_step 走的一步 (w - 新 w) / lr",
    "sgd_epoch's new w": "sgd_epoch 得到的新 w",
    "grid_search's losses (one per w)": "grid_search 的损失值（每个 w 一个）",
    "grid_search's best w": "grid_search 找到的最佳 w",
    "mse_grad against central differences of the MSE": "mse_grad 对照 MSE 的中心差分",
    "the course's grid: losses": "课程的网格：损失值", "the course's grid: best w": "课程的网格：最佳 w",
    "maxpool_forward(x) (5×5: the last row and column dropped)": "maxpool_forward(x)（5×5：去掉最后一行和一列）",
    "maxpool_backward(dout, x) with tied maxima": "有并列最大值时的 maxpool_backward(dout, x)",
    "W, b and the loss match the reference": "W、b 和损失值都与参考答案一致",
    "dx, dh_prev and the four parameter gradients match the reference": "dx、dh_prev 和四个参数的梯度都与参考答案一致",
    "the submission's process": "提交代码的进程",
    "killed (the memory limit, or it closed its result channel)": "终止（内存超限，或它关闭了传结果的通道）",
    "a list": "列表", "a tuple": "元组", "list": "列表", "tuple": "元组",
    "overflow": "溢出", "divide by zero": "除以零", "invalid value": "出现无效值", "underflow": "下溢",
    "an array": "数组", "a float": "一个浮点数", "the new w (a float)": "新的 w（一个浮点数）",
    "new velocity": "新的速度", "new parameter": "新的参数",
    "plain SGD (momentum 0, no decay)": "普通 SGD（动量 0，无权重衰减）",
    "first momentum step (velocity 0)": "带动量的第一步（速度为 0）",
    "momentum 0.9 with a velocity": "已有速度时动量 0.9",
    "momentum 0.5 and weight decay 0.01": "动量 0.5、权重衰减 0.01",
    "a learning rate that changed (0.3 after the velocity was built)": "改变了的学习率（速度形成后改为 0.3）",
    "parameter and velocity match torch.optim.SGD's rule": "参数和速度都符合 torch.optim.SGD 的规则",
    "sgd_step did not return (new_param, new_velocity)": "sgd_step 没有返回 (new_param, new_velocity)",
    "train_step did not return (W, b, loss)": "train_step 没有返回 (W, b, loss)",
    "batches did not return (x, y) pairs": "batches 没有返回 (x, y) 对",
    "DiabetesDataset(x, y) did not create an object": "DiabetesDataset(x, y) 没有创建出对象",
    "epoch_order gives the same order in epochs 0 and 1": "epoch_order 在第 0 和第 1 个 epoch 给出了同样的顺序",
    "epoch_order(n, seed, 1) changed between two calls": "epoch_order(n, seed, 1) 两次调用的结果不同",
    "(features, label)": "(特征, 标签)", "a list of (x, y) pairs": "由 (x, y) 对组成的列表",
    "(dx, dh_prev, grads) with grads a dict": "(dx, dh_prev, grads)，其中 grads 是字典",
    "the in-use run": "实际使用的训练",
    "permission denied: make it writable (or readable) for you, or choose another place":
        "权限不足：请让你自己可以写入（或读取）它，或者换一个位置",
    "operation not permitted: make it writable for you, or choose another place": "不允许此操作：请让你自己可以写入它，或者换一个位置",
    "the file system is read-only: choose a folder on a writable disk": "文件系统是只读的：请选择可写磁盘上的文件夹",
    "the disk is full: free some space": "磁盘已满：请腾出一些空间",
    "your disk quota is used up: free some space": "你的磁盘配额已用完：请腾出一些空间",
    "no such file or folder": "文件或文件夹不存在",
    "a file of this name is in the way: choose another path": "已有同名文件挡在那里：请换一个路径",
    "a part of this path is a file, not a folder: choose another path": "路径中的某一部分是文件而不是文件夹：请换一个路径",
    "implementation": "实现", "preset": "预设", "lang": "语言",
    # Fashion-MNIST 的十个类别（课程与《动手学深度学习》的叫法）
    "T-shirt/top": "T恤", "Trouser": "裤子", "Pullover": "套衫", "Dress": "连衣裙", "Coat": "外套",
    "Sandal": "凉鞋", "Shirt": "衬衫", "Sneaker": "运动鞋", "Bag": "包", "Ankle boot": "短靴",
    "synthetic logistic set (the course lab, 000 §2)": "合成的逻辑回归数据集（课程实验，000 §2）",
    "synthetic (seeded)": "合成数据（带随机种子）", "none": "无", "tensor operations": "张量运算",
    "x = [1, 2, 3]; noisy line (seeded)": "x = [1, 2, 3]；带噪声的直线（带随机种子）",
    "Diabetes data": "糖尿病数据集", ".": "。",
    # 实验列表中的模型
    "linear regression 2-1": "线性回归 2-1", "logistic regression 2-1": "逻辑回归 2-1",
    "softmax regression 784-10": "softmax 回归 784-10", "MLP 8-6-4-1 sigmoid": "MLP 8-6-4-1，sigmoid",
    "MLP 784-512-256-128-64-10, ReLU": "MLP 784-512-256-128-64-10，ReLU",
    "RNN cell (NumPy, scratch, nn.RNNCell) / nn.RNN / Embedding+RNN": "RNN 单元（NumPy、scratch、nn.RNNCell）/ nn.RNN / Embedding+RNN",
    "diabetes": "糖尿病数据集",
    "the diabetes mini-batch run (8-6-4-1, batch 32, 30 epochs)": "糖尿病数据的小批量训练（8-6-4-1，批量大小 32，30 个 epoch）",
}
