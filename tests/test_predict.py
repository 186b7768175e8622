"""``groundup predict`` on a trained MLP: drawn digits, test images, bad files."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from conftest import cli_run
from groundup.data import vision
from groundup.app.predict import image_to_mnist

needs_mnist = pytest.mark.skipif(vision.locate("mnist") is None, reason="MNIST not found")


def draw(digit: str, path, size=(240, 300), ink=(0, 0, 0), paper=(255, 255, 255)):
    """A digit drawn as a person would: thick dark strokes on white paper, off-centre."""
    image = Image.new("RGB", size, paper)
    pen = ImageDraw.Draw(image)
    if digit == "1":
        pen.line([(150, 40), (150, 260)], fill=ink, width=26)
        pen.line([(150, 40), (110, 85)], fill=ink, width=20)
    elif digit == "7":
        pen.line([(50, 50), (190, 50)], fill=ink, width=24)
        pen.line([(190, 50), (95, 270)], fill=ink, width=24)
    image.save(path)
    return path


def test_drawing_becomes_an_mnist_like_image(tmp_path):
    img = image_to_mnist(draw("1", tmp_path / "one.png"))
    assert img.shape == (28, 28) and img.dtype == np.uint8
    assert img[0].max() == 0 and img[:, 0].max() == 0  # black background: MNIST's polarity
    assert img.max() == 255
    rows, cols = np.nonzero(img > 50)
    assert rows.max() - rows.min() <= 20  # the ink fits a 20-pixel box, as MNIST's digits do
    assert abs(np.average(np.arange(28), weights=img.sum(axis=1)) - 13.5) < 1.0  # centred by mass


@pytest.fixture(scope="module")
def mlp_run(tmp_path_factory):
    if vision.locate("mnist") is None:
        pytest.skip("MNIST not found")
    out = tmp_path_factory.mktemp("mlp") / "run"
    result = cli_run("run", "mlp-mnist", "--impl", "nn", "--preset", "quick", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@needs_mnist
def test_predicts_drawn_digits(mlp_run, tmp_path):
    one = draw("1", tmp_path / "one.png")
    seven = draw("7", tmp_path / "seven.jpg", ink=(30, 30, 160), paper=(250, 245, 235))  # blue ink, JPEG
    result = cli_run("predict", str(mlp_run), str(one), str(seven), "--json")
    assert result.returncode == 0, result.stderr
    preds = json.loads(result.stdout)["predictions"]
    assert [p["top"][0]["class"] for p in preds] == ["1", "7"]
    for p in preds:
        probs = [t["probability"] for t in p["top"]]
        assert len(probs) == 3 and probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-9


@needs_mnist
def test_test_index_matches_the_runs_recorded_predictions(mlp_run):
    recorded = {int(r["index"]): r for r in csv.DictReader((mlp_run / "test_predictions.csv").open())}
    indices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1234]
    args = [a for i in indices for a in ("--test-index", str(i))]
    result = cli_run("predict", str(mlp_run), *args, "--json")
    assert result.returncode == 0, result.stderr
    for i, p in zip(indices, json.loads(result.stdout)["predictions"]):
        assert p["top"][0]["index"] == int(recorded[i]["predicted"]), i
        assert p["true"] == recorded[i]["true"]


@needs_mnist
def test_bad_files_get_one_line_each_and_the_rest_is_predicted(mlp_run, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("this is not an image")
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    good = draw("1", tmp_path / "one.png")
    result = cli_run("predict", str(mlp_run), str(empty), str(text), str(blank), str(good), str(tmp_path / "missing.png"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5
    assert "empty file" in lines[0] and "not a readable image" in lines[1] and "blank" in lines[2]
    assert lines[3].startswith(f"{good}: 1 ")
    assert "error" in lines[4]


def test_predict_refuses_a_folder_that_is_not_a_run(tmp_path):
    result = cli_run("predict", str(tmp_path), "--test-index", "0")
    assert result.returncode == 2
    assert "not a run folder" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def softmax_run(tmp_path_factory):
    if vision.locate("mnist") is None:
        pytest.skip("MNIST not found")
    out = tmp_path_factory.mktemp("softmax") / "run"
    result = cli_run("run", "softmax-mnist", "--impl", "numpy", "--preset", "quick", "--epochs", "1", "--out", str(out),
                     "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@needs_mnist
@pytest.mark.parametrize("damage, expected", [
    ("config", "does not belong"),       # the checkpoint was trained under other settings
    ("preprocess", "preprocess.npz: damaged"),
    ("checkpoint", "corrupt or truncated"),
])
def test_damaged_run_folders_are_one_line(softmax_run, tmp_path, damage, expected):
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(softmax_run, folder)
    if damage == "config":
        config = json.loads((folder / "config.json").read_text())
        config["settings"]["lr"] = 0.123
        (folder / "config.json").write_text(json.dumps(config))
    elif damage == "preprocess":
        (folder / "preprocess.npz").write_bytes(b"garbage, not an npz")
    else:
        (folder / "checkpoint.npz").write_bytes((folder / "checkpoint.npz").read_bytes()[:100])
    result = cli_run("predict", str(folder), "--test-index", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr
