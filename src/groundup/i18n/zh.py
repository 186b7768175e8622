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
    "report.settings_head": "epoch 数|批量大小|学习率|动量|权重衰减|学习率调度|标准化|初始化|随机种子|数据类型",
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
    "compare.folders": "运行文件夹：",

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
                  "Python {python}）。{n} 个实验中运行了 {done} 个。损失值均为每个样本的平均；每个实验都由各个"
                  "实现从相同的初始参数出发、在相同的批量上训练。"),
    "lab.head": "实验|实现|数据|epoch 数|最终结果|测试集最佳正确率|训练秒数|实验秒数",
    "lab.not_run": "未运行：", "lab.presets": "预设：",
    "lab.page_title": "groundup 实验报告（{preset}）",
    "html.contents": "目录", "html.file_note": "（运行文件夹中的文件）",
    "html.file_title": "{target}：运行文件夹中的文件",
}
