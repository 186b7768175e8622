"""Wrong submissions as one-line edits of the correct ones: each makes one mistake learners make.

Every entry is (the text in the correct solution, what the mistake puts there, what the
mistake is, the check that must fail, words its hint must contain, the id of the mistake in
``groundup.exercises.mistakes``). ``write_wrong`` writes the wrong file, a whole submission as
a learner would hand it in.
"""

from __future__ import annotations

from pathlib import Path

SOLUTIONS = Path(__file__).parent / "solutions"

MISTAKES: dict[str, dict[str, tuple[str, str, str, str, str, str]]] = {
    "softmax_regression": {
        "onehot_columns_in_step": (
            '    g = cross_entropy_grad(z, y)\n    return W',
            '    g = softmax(z)\n    onehot = np.zeros_like(g)\n    onehot[:, y] = 1\n    g = (g - onehot) / len(y)\n    return W',
            'the one-hot matrix built as onehot[:, y] = 1 in the training step', 'train_step', 'onehot[:, y] = 1',
            'onehot-columns'),
        "onehot_columns": (
            '    g[np.arange(len(y)), y] -= 1.0',
            '    onehot = np.zeros_like(g)\n    onehot[:, y] = 1\n    g = g - onehot',
            'the one-hot matrix built as onehot[:, y] = 1', 'cross_entropy_grad values', 'onehot[:, y] = 1',
            'onehot-columns'),
        "argmax_axis": (
            '    return float((z.argmax(axis=1) == y).mean())',
            '    return float((z.argmax(axis=0) == y).mean())',
            'the argmax over the samples', 'accuracy', 'wrong axis', 'argmax-wrong-axis'),
        "b_not_updated": (
            '    return W - lr * (g.T @ x), b - lr * g.sum(axis=0), loss',
            '    return W - lr * (g.T @ x), b, loss',
            'b never updated', 'train_step', 'b was returned unchanged', 'param-not-updated'),
        "summed_loss": (
            'y].mean())',
            'y].sum())',
            'a loss summed over the batch', 'cross_entropy value', '6 times too large', 'summed-not-mean'),
        "naive_softmax": (
            '    return np.exp(_log_softmax(z))',
            '    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)',
            'softmax without subtracting the maximum', 'softmax without overflow', "subtract each row's maximum", 'softmax-overflow'),
        "softmax_columns": (
            '    return np.exp(_log_softmax(z))',
            '    return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)',
            'softmax normalised over columns', 'softmax values', 'columns', 'softmax-over-columns'),
        "log_of_softmax": (
            '    return float(-_log_softmax(z)[np.arange(len(y)), y].mean())',
            '    return float(-np.log(softmax(z)[np.arange(len(y)), y]).mean())',
            'log(softmax(z)) instead of log-softmax', 'cross_entropy without overflow', 'log(0)', 'log-of-softmax'),
        "grad_divided_twice": (
            '    return g / len(y)',
            '    return g / len(y) / len(y)',
            "the mean's gradient divided by n again", 'cross_entropy_grad values', 'divided by the batch size twice', 'grad-divided-twice'),
        "grad_summed": (
            '    return g / len(y)',
            '    return g',
            'the gradient of the summed loss', 'cross_entropy_grad values', 'summed over the batch instead of averaged', 'summed-not-mean'),
        "grad_sign": (
            '    return g / len(y)',
            '    return -g / len(y)',
            'the gradient with the wrong sign', 'cross_entropy_grad values', 'sign is flipped', 'wrong-sign'),
        "threshold_accuracy": (
            '    return float((z.argmax(axis=1) == y).mean())',
            '    return float(((softmax(z) > 0.5).astype(float).argmax(axis=1) == y).mean())',
            'a 0.5 threshold before the argmax', 'accuracy', '0.5 threshold before the argmax', 'threshold-before-argmax'),
        "loss_after_step": (
            '    loss = cross_entropy(z, y)\n    g = cross_entropy_grad(z, y)\n    return W - lr * (g.T @ x), b - lr * g.sum(axis=0), loss',
            '    g = cross_entropy_grad(z, y)\n    W, b = W - lr * (g.T @ x), b - lr * g.sum(axis=0)\n    return W, b, cross_entropy(x @ W.T + b, y)',
            'the loss after the step', 'train_step', 'loss after the step', 'loss-after-step'),
    },
    "logistic_regression": {
        "naive_sigmoid": (
            '    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))',
            '    return 1 / (1 + np.exp(-z))',
            'the naive sigmoid', 'sigmoid without overflow', 'exp(-|z|)', 'sigmoid-overflow'),
        "bce_from_probabilities": (
            '    z = logits\n    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))',
            '    p = sigmoid(logits)\n    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))',
            'BCE from probabilities', 'bce_loss without overflow', 'from the logits', 'bce-log0'),
        "grad_summed": (
            '    return (sigmoid(logits) - y) / len(y)',
            '    return sigmoid(logits) - y',
            "the summed loss's gradient", 'bce_grad values', '8 times too large', 'summed-not-mean'),
        "grad_sign": (
            '    return (sigmoid(logits) - y) / len(y)',
            '    return (y - sigmoid(logits)) / len(y)',
            'the wrong sign', 'bce_grad values', 'sign is flipped', 'wrong-sign'),
        "threshold_logits": (
            '    return (logits > 0).astype(np.int64)',
            '    return (logits > 0.5).astype(np.int64)',
            '0.5 threshold on logits', 'predict', 'threshold applied to logits', 'threshold-on-logits'),
    },
    "linear_layer": {
        "dW_transposed": (
            '    return dy @ W, dy.T @ x, dy.sum(axis=0)',
            '    return dy @ W, x.T @ dy, dy.sum(axis=0)',
            'dW transposed', 'linear_backward values', 'transposed', 'weights-transposed'),
        "db_not_summed": (
            '    return dy @ W, dy.T @ x, dy.sum(axis=0)',
            '    return dy @ W, dy.T @ x, dy',
            'db not summed', 'linear_backward values', 'summed over the batch', 'bias-not-summed'),
        "dW_divided": (
            '    return dy @ W, dy.T @ x, dy.sum(axis=0)',
            '    return dy @ W, dy.T @ x / len(x), dy.sum(axis=0)',
            'dW divided by n again', 'linear_backward values', 'MEAN loss', 'grad-divided-by-batch'),
        "relu_mask_from_dy": (
            '    return dy * (x > 0)',
            '    return dy * (dy > 0)',
            'ReLU mask from dy', 'relu_backward values', 'upstream gradient dy', 'relu-mask-from-dy'),
        "no_bias": (
            '    return x @ W.T + b',
            '    return x @ W.T',
            'the bias forgotten', 'linear_forward values', 'bias', 'bias-missing'),
    },
    "sgd_momentum": {
        "nesterov": (
            '    return param - lr * v, v',
            '    return param - lr * (g + momentum * v), v',
            'Nesterov momentum', 'first step with momentum', 'Nesterov', 'nesterov'),
        "lr_in_velocity": (
            '    v = momentum * velocity + g\n    return param - lr * v, v',
            '    v = momentum * velocity + lr * g\n    return param - v, v',
            "Sutskever's form", 'plain SGD', 'includes the learning rate', 'lr-in-velocity'),
        "dampening": (
            '    v = momentum * velocity + g',
            '    v = momentum * velocity + (1 - momentum) * g',
            'dampening', 'first step with momentum', 'dampening', 'momentum-dampening'),
        "decay_sign": (
            '    g = grad + weight_decay * param',
            '    g = grad - weight_decay * param',
            "the decay's sign", 'weight decay', 'wrong sign', 'decay-sign'),
        "decoupled_decay": (
            '    g = grad + weight_decay * param\n    v = momentum * velocity + g\n    return param - lr * v, v',
            '    v = momentum * velocity + grad\n    return param - lr * v - lr * weight_decay * param, v',
            'decoupled decay', 'weight decay', 'after the momentum', 'decay-outside-velocity'),
    },
    "linear_model": {
        "summed_mse": (
            '    return float(np.mean((y_pred - y) ** 2))',
            '    return float(np.sum((y_pred - y) ** 2))',
            'summed squared error', 'mse value', '5 times too large', 'summed-not-mean'),
        "absolute_error": (
            '    return float(np.mean((y_pred - y) ** 2))',
            '    return float(np.mean(np.abs(y_pred - y)))',
            'absolute error', 'mse value', 'ABSOLUTE', 'mean-absolute-error'),
        "argmax": (
            'np.argmin(losses)',
            'np.argmax(losses)',
            'argmax', 'grid_search', 'LARGEST', 'argmax-not-argmin'),
    },
    "gradient_descent": {
        "full_batch_gradient": (
            '        w = w - lr * 2 * x[i] * (w * x[i] - y[i])',
            '        w = w - lr * mse_grad(x, y, w)',
            "the whole data set's gradient for every sample", 'sgd_epoch', "whole data set's gradient",
            'sgd-full-batch-gradient'),
        "missing_two": (
            '    return float(2 * np.mean(x * (w * x - y)))',
            '    return float(np.mean(x * (w * x - y)))',
            'the factor 2 missing', 'mse_grad value', 'factor 2 is missing', 'missing-factor-2'),
        "grad_sign": (
            '    return float(2 * np.mean(x * (w * x - y)))',
            '    return float(2 * np.mean(x * (y - w * x)))',
            'the wrong sign', 'mse_grad value', 'sign is flipped', 'wrong-sign'),
        "summed_grad": (
            '    return float(2 * np.mean(x * (w * x - y)))',
            '    return float(2 * np.sum(x * (w * x - y)))',
            'summed', 'mse_grad value', 'summed over the batch', 'summed-not-mean'),
        "ignores_order": (
            '    for i in order:',
            '    for i in range(len(x)):',
            'order ignored', 'sgd_epoch', 'follow `order`', 'sgd-ignores-order'),
    },
    "dataset": {
        "same_order_every_epoch": (
            'np.random.default_rng([seed, epoch])',
            'np.random.default_rng(seed)',
            'one shuffle for all epochs', 'epoch_order: a seeded shuffle per epoch', 'seed the generator with (seed, epoch)', 'same-order-every-epoch'),
        "drops_last_batch": (
            'range(0, len(order), batch_size)',
            'range(0, len(order) - batch_size + 1, batch_size)',
            'the last batch dropped', 'batches, last batch smaller', 'last, smaller batch is missing', 'last-batch-dropped'),
        "table_order": (
            'for i in order[start:start + batch_size]',
            'for i in range(start, min(start + batch_size, len(order)))',
            'the order ignored', 'batches', 'table order', 'batches-table-order'),
    },
    "conv_layer": {
        "pool_stride_one": (
            '    return _windows(x, size).max(axis=-1)',
            '    n, c, h, w = x.shape\n    return np.stack([np.stack([x[:, :, i:i + size, j:j + size].max(axis=(2, 3)) '
            'for j in range(w - size + 1)], -1) for i in range(h - size + 1)], -2)',
            'overlapping pooling windows', 'maxpool_forward values', 'stride 2', 'pool-stride-one'),
        "dx_overwritten": (
            'dx[:, :, u:u + oh, v:v + ow] += np.einsum(',
            'dx[:, :, u:u + oh, v:v + ow] = np.einsum(',
            'dx overwritten where windows overlap', 'conv2d_backward values', 'windows overlap',
            'conv-dx-overwritten'),
        "pool_spread": (
            '    first = _windows(x, size).argmax(axis=-1)\n    grad = (np.arange(size * size) == first[..., None]) * dout[..., None]',
            '    grad = np.ones(_windows(x, size).shape) * dout[..., None] / (size * size)',
            'the gradient spread over the window', 'maxpool_backward with ties', 'spread evenly',
            'pool-gradient-spread'),
        "flipped_kernel": (
            'x[:, :, u:u + oh, v:v + ow], w[:, :, u, v], optimize=True)',
            'x[:, :, u:u + oh, v:v + ow], w[:, :, k - 1 - u, k - 1 - v], optimize=True)',
            'a flipped kernel', 'conv2d_forward values', 'cross-correlation', 'kernel-flipped'),
        "db_averaged": (
            'dout.sum(axis=(0, 2, 3))',
            'dout.sum(axis=(2, 3)).mean(axis=0)',
            'db averaged over the batch', 'conv2d_backward values', 'averaged over the batch', 'db-mean-over-batch'),
        "dw_divided": (
            'dout, x[:, :, u:u + oh, v:v + ow], optimize=True)',
            'dout, x[:, :, u:u + oh, v:v + ow], optimize=True) / len(x)',
            'dw divided by the batch size', 'conv2d_backward values', 'divided by the batch size', 'grad-divided-by-batch'),
        "pool_every_tie": (
            '    first = _windows(x, size).argmax(axis=-1)\n    grad = (np.arange(size * size) == first[..., None]) * dout[..., None]',
            '    win = _windows(x, size)\n    grad = (win == win.max(axis=-1, keepdims=True)) * dout[..., None]',
            'the gradient to every tied maximum', 'maxpool_backward with ties', 'first maximum in reading order', 'pool-gradient-to-ties'),
    },
    "rnn_cell": {
        "grads_overwritten": (
            '            grads[k] += g[k]',
            '            grads[k] = g[k]',
            'the gradients overwritten at every step', 'rnn_backward (through time) values', 'grads[k] += g[k]',
            'bptt-grads-overwritten'),
        "no_tanh": (
            '    return np.tanh(x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"])',
            '    return x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]',
            'tanh forgotten', 'rnn_step_forward values', 'tanh is missing', 'tanh-missing'),
        "one_minus_h": (
            '    da = dh * (1 - h ** 2)',
            '    da = dh * (1 - h)',
            "tanh's derivative as 1 - h", 'rnn_step_backward values', '1 - h², not 1 - h', 'tanh-grad-one-minus-h'),
        "whh_uses_h": (
            '"weight_hh": da.T @ h_prev',
            '"weight_hh": da.T @ h',
            'dW_hh from h instead of h_prev', 'rnn_step_backward values', 'h_PREV', 'whh-from-h'),
        "no_carry": (
            'rnn_step_backward(dhs[t] + carry,',
            'rnn_step_backward(dhs[t],',
            'no gradient from later steps', 'rnn_backward (through time) values', 'gradient from the later steps is missing', 'bptt-carry-dropped'),
        "last_step_only": (
            '            grads[k] += g[k]',
            '            if t == len(xs) - 1:\n                grads[k] += g[k]',
            "the last step's gradient only", 'rnn_backward (through time) values', 'add up over the steps', 'bptt-grads-overwritten'),
    },
}


def write_wrong(stem: str, name: str, folder: Path) -> Path:
    """Write the correct solution of ``stem`` with mistake ``name`` into folder/<stem>.py."""
    old, new, what, *_ = MISTAKES[stem][name]
    text = (SOLUTIONS / f"{stem}.py").read_text()
    if old not in text:
        raise ValueError(f"{stem}/{name}: {old!r} is not in the correct solution")
    body = text.replace(old, new, 1).split("\n", 1)[1]  # the correct solution's docstring goes
    path = folder / f"{stem}.py"
    path.write_text(f'"""A wrong {stem.replace("_", "-")} submission: {what}."""\n' + body)
    return path
