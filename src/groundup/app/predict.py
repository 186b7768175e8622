"""``groundup predict``: a trained image classifier from its run folder, on new images.

An input image is turned into what the model was trained on: 28×28 grey with MNIST's
polarity (white strokes on black). A photo or drawing of dark ink on light paper is
inverted; the ink is cropped, scaled so that its longer side is 20 pixels and centred by
its centre of mass in the 28×28 field, as the MNIST images were made.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from groundup.store import checkpoint
from groundup.store.folder import Folder
from groundup.errors import GroundupError, RunFolderError
from groundup.experiments import get
from groundup.core.models import IMPLS, softmax
from groundup.training.registry import build_learner

MAX_BYTES = 50 * 2**20
MAX_PIXELS = 40_000_000


@dataclass
class Model:
    """A trained classifier loaded from a run folder."""

    experiment: str
    impl: str
    classes: list[str]
    learner: object
    task: object
    scaling: tuple[np.ndarray, np.ndarray] | None

    def probabilities(self, images_u8: np.ndarray) -> np.ndarray:
        x = self.task.features(images_u8)
        if self.scaling is not None:
            x = (x - self.scaling[0]) / self.scaling[1]
        return softmax(self.learner.outputs(x.astype(np.float64)))


def load_model(run_dir: Path) -> Model:
    from groundup.app.launch import read_config, settings_from_config

    config = read_config(run_dir)
    exp = get(config["experiment"])
    task = exp.task
    if task is None or task.features is None:
        raise GroundupError(f"{run_dir} holds a run of {exp.name}, which is not an image classifier; "
                            f"predict works with softmax, MLP and CNN runs")
    if Folder(run_dir).kind == "group":
        impls = [i for i in config.get("impls") or [] if (Path(run_dir) / i / "config.json").is_file()]
        choices = " or ".join(str(Path(run_dir) / i) for i in impls) or "one of its sub-folders"
        raise RunFolderError(f"{run_dir} holds one run per implementation; choose one: {choices}")
    impl = config.get("impl")
    if impl not in IMPLS:
        raise RunFolderError(f"{Path(run_dir) / 'config.json'}: damaged ('impl' is missing or unknown)")
    settings = settings_from_config(config.get("settings"), Path(run_dir) / "config.json")
    meta, state = checkpoint.load(run_dir, impl)
    if not checkpoint.belongs(meta, exp.name, impl, settings.as_dict()):
        raise RunFolderError(f"{checkpoint.path_for(run_dir, impl)} does not belong to the run in {run_dir}")
    settings = replace(settings, dtype="float64")
    learner = build_learner(task.spec, impl, task.spec.init_params(settings), settings, "cpu")
    checkpoint.restore_into(learner, _as_float64(state), checkpoint.path_for(run_dir, impl))
    from groundup.data import vision

    classes = list(vision.DATASETS[task.vision].classes)
    return Model(exp.name, impl, classes, learner, task, _scaling(Path(run_dir), task))


def _as_float64(state: dict) -> dict:
    """Parameters in float64, the dtype predict computes in (a float32 run's checkpoint loads too)."""
    def cast(v):
        if isinstance(v, np.ndarray) and v.dtype == np.float32:
            return v.astype(np.float64)
        if hasattr(v, "dtype") and str(v.dtype) == "torch.float32":
            return v.double()
        return v
    return {group: ({k: cast(v) for k, v in values.items()} if isinstance(values, dict) else values)
            for group, values in state.items()}


def _scaling(run_dir: Path, task) -> tuple[np.ndarray, np.ndarray] | None:
    """The run's standardisation (mean, std), checked against the model's input size."""
    path = run_dir / "preprocess.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            mean, std = np.asarray(z["mean"], dtype=np.float64), np.asarray(z["std"], dtype=np.float64)
        probe = task.features(np.zeros((1, 28, 28), dtype=np.uint8))
        if mean.shape != probe.shape[1:] or std.shape != probe.shape[1:] or not (np.isfinite(std).all() and (std > 0).all()):
            raise ValueError("shape or values")
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as err:
        raise RunFolderError(f"{path}: damaged ({type(err).__name__}); the run's input scaling cannot be "
                             f"read, so its model cannot be used") from None
    return mean, std


def image_to_mnist(path: Path) -> np.ndarray:
    """Read an image file and return a 28×28 uint8 array, white strokes on black."""
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        raise GroundupError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise GroundupError(f"{path}: empty file")
    if size > MAX_BYTES:
        raise GroundupError(f"{path}: {size / 2**20:.0f} MB is too large for an image to classify")
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise GroundupError(f"{path}: {im.width}×{im.height} pixels is too large")
            im.load()
            if im.mode in ("RGBA", "LA", "P"):  # transparent background -> white paper
                im = im.convert("RGBA")
                paper = Image.new("RGBA", im.size, (255, 255, 255, 255))
                im = Image.alpha_composite(paper, im)
            grey = np.asarray(im.convert("L"), dtype=np.float64)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as err:
        raise GroundupError(f"{path}: not a readable image ({type(err).__name__})") from None
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if border.mean() > 127:  # dark ink on light paper: invert to MNIST's white on black
        grey, border = 255.0 - grey, 255.0 - border
    grey = np.clip(grey - np.median(border), 0, 255)  # the paper's own grey level becomes black
    ink = grey > 0.2 * grey.max() if grey.max() > 0 else None
    if ink is None or not ink.any():
        raise GroundupError(f"{path}: the image is blank")
    rows, cols = np.nonzero(ink)
    crop = grey[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = crop.shape
    scale = 20.0 / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = np.asarray(Image.fromarray(crop.astype(np.uint8)).resize((nw, nh), Image.LANCZOS), dtype=np.float64)
    field = np.zeros((28, 28))
    top, left = (28 - nh) // 2, (28 - nw) // 2
    field[top:top + nh, left:left + nw] = small
    # shift so that the centre of mass sits at the centre, as MNIST did
    total = field.sum()
    cy = (field.sum(axis=1) * np.arange(28)).sum() / total
    cx = (field.sum(axis=0) * np.arange(28)).sum() / total
    dy, dx = int(round(13.5 - cy)), int(round(13.5 - cx))
    field = np.roll(np.roll(field, dy, axis=0), dx, axis=1)
    return np.clip(field / field.max() * 255.0, 0, 255).astype(np.uint8)


def top_k(probs: np.ndarray, classes: list[str], k: int = 3) -> list[dict]:
    order = np.argsort(probs)[::-1][:k]
    return [{"class": classes[i], "index": int(i), "probability": float(probs[i])} for i in order]


def run_predict(run_dir: Path, inputs: list[Path], test_indices: list[int], data_dir: str | None,
                as_json: bool, top: int = 3) -> int:
    model = load_model(run_dir)
    results, failed = [], 0
    for path in inputs:
        try:
            image = image_to_mnist(path)
        except (GroundupError, OSError) as err:
            failed += 1
            results.append({"input": str(path), "error": str(err)})
            continue
        results.append({"input": str(path), "top": top_k(model.probabilities(image[None])[0], model.classes, top)})
    if test_indices:
        from groundup.data import vision

        data = vision.load(model.task.vision, data_dir)
        for i in test_indices:
            if not 0 <= i < len(data.y_test):
                failed += 1
                results.append({"input": f"test[{i}]", "error": f"--test-index {i}: the test split has "
                                f"{len(data.y_test)} images (0 to {len(data.y_test) - 1})"})
                continue
            probs = model.probabilities(data.x_test[i:i + 1])[0]
            results.append({"input": f"test[{i}]", "true": model.classes[int(data.y_test[i])],
                            "top": top_k(probs, model.classes, top)})
    if as_json:
        print(json.dumps({"run": str(run_dir), "experiment": model.experiment, "impl": model.impl,
                          "predictions": results}, indent=2))
    else:
        for r in results:
            if "error" in r:
                print(f"{r['input']}: error: {r['error'].removeprefix(r['input'] + ': ')}")
                continue
            guesses = ", ".join(f"{t['class']} {t['probability']:.1%}" for t in r["top"])
            truth = f" (true: {r['true']})" if "true" in r else ""
            print(f"{r['input']}: {guesses}{truth}")
    return 1 if failed else 0
