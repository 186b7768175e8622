"""``groundup lab``: one report covering every experiment, readable offline."""

from __future__ import annotations

import base64
import io
import re
import subprocess

import numpy as np
import pytest
from PIL import Image

from conftest import CHROMIUM, cli_run, run_cli, start_cli
from groundup.report.html import markdown_to_html


@pytest.fixture(scope="module")
def lab_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    result = cli_run("lab", "--preset", "quick", "--only", "basics,logistic-synthetic,rnn-hello",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "[1/3] basics" in result.stdout and "[2/3] logistic-synthetic" in result.stdout
    return out


def test_lab_writes_markdown_and_html_with_every_selected_experiment(lab_dir):
    md = (lab_dir / "index.md").read_text()
    assert "## Results" in md
    for impl in ("numpy", "scratch", "nn"):
        assert re.search(rf"\| logistic-synthetic \| {impl} \| .* \| test accuracy 0\.9\d+ \|", md)
    for variant in ("scratch-cell", "nn-rnncell", "nn-rnn", "nn-embedding"):  # one row per variant
        assert re.search(rf"\| rnn-hello \| {variant} \| .* \| train accuracy [01]\.\d+ \|", md), variant
    assert "(logistic-synthetic/comparison.png)" in md  # links rebased onto the lab folder
    assert (lab_dir / "logistic-synthetic" / "comparison.png").exists()


def test_html_is_self_contained_with_decodable_images(lab_dir):
    html = (lab_dir / "index.html").read_text()
    sources = re.findall(r'<img alt="[^"]*" src="([^"]+)"', html)
    assert len(sources) >= 4
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    image = Image.open(io.BytesIO(base64.b64decode(sources[0].split(",", 1)[1])))
    assert image.size[0] > 200 and image.size[1] > 100
    assert "<table>" in html and "<h2" in html


def test_lab_without_data_skips_with_the_reason_and_exits_0(tmp_path):
    from groundup.data import vision

    if (vision.SYSTEM_ROOT / "mnist").exists():
        pytest.skip("MNIST is installed system-wide")
    empty = tmp_path / "nodata"
    empty.mkdir()
    result = cli_run("lab", "--only", "logistic-synthetic,softmax-mnist", "--out", str(tmp_path / "lab"),
                     env={"GROUNDUP_DATA": str(empty), "HOME": str(empty), "XDG_CACHE_HOME": str(empty)})
    assert result.returncode == 0, result.stderr
    assert "softmax-mnist" in result.stdout and "skipped: MNIST not found" in result.stdout
    md = (tmp_path / "lab" / "index.md").read_text()
    assert "- `softmax-mnist` (skipped): MNIST not found" in md
    assert "| logistic-synthetic | nn |" in md


def test_unknown_experiment_in_only_is_refused():
    result = cli_run("lab", "--only", "logistic-synthetic,nope")
    assert result.returncode == 2
    assert "nope" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_markdown_subset_converts():
    html = markdown_to_html("# T\n\nA *b* **c** `d<e>`\n\n| x | y |\n| --- | --- |\n| 1 | 2 |\n\n- i\n- j\n", base=None)
    assert '<h1 id="t">T</h1>' in html
    assert "<em>b</em>" in html and "<strong>c</strong>" in html and "<code>d&lt;e&gt;</code>" in html
    assert "<td>1</td><td>2</td>" in html and "<li>j</li>" in html




@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_html_renders_in_headless_chromium(lab_dir, tmp_path):
    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,3000",
                    f"--screenshot={shot}", (lab_dir / "index.html").as_uri()],
                   capture_output=True, timeout=120, check=True)
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.std() > 20, "the page is blank"
    # The loss curves' training line colour (#1f77b4) appears only if the embedded figures drew.
    train_blue = (np.abs(pixels - [31, 119, 180]).sum(axis=2) < 30).sum()
    assert train_blue > 200, "the figures did not load"


@pytest.mark.parametrize("only", [[], ["--only", "basics,logistic-synthetic"]], ids=["all", "only"])
def test_unknown_preset_is_refused_before_anything_runs(tmp_path, only):
    out = tmp_path / "lab"
    result = cli_run("lab", "--preset", "quik", *only, "--out", str(out))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("groundup: error: ") and "quik" in result.stderr and "quick" in result.stderr
    assert result.stdout == "" and not out.exists()


def test_killed_lab_continues_and_keeps_what_completed(tmp_path):
    out = tmp_path / "lab"
    args = ["lab", "--only", "basics,linear-model", "--out", str(out)]
    # killed while linear-model writes its report (basics wrote the first report.md)
    killed = run_cli(*args, env={"GROUNDUP_FAULT": "before-rename:report.md@2"})
    assert killed.returncode < 0
    md = (out / "index.md").read_text()  # the index was written after the first experiment
    assert "## Tensor basics" in md and "## The linear model" not in md
    resumed = cli_run("lab", "--resume", str(out), "--only", "basics,linear-model")
    assert resumed.returncode == 0, resumed.stderr
    assert "basics" in resumed.stdout and "done before, kept" in resumed.stdout
    assert "linear-model" in resumed.stdout and "done in" in resumed.stdout
    assert "## The linear model" in (out / "index.md").read_text()
    again = cli_run(*args)  # the same command again: everything kept
    assert again.returncode == 0 and again.stdout.count("done before, kept") == 2


def test_best_preset_says_which_experiments_fall_back(tmp_path):
    out = tmp_path / "lab"
    result = cli_run("lab", "--preset", "best", "--only", "basics,logistic-synthetic", "--out", str(out))
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stdout.splitlines() if "has no preset" in line]  # one line each, on the terminal
    assert len(said) == 1 and said[0].startswith("[1/2] basics") and said[0].endswith("runs with 'seed'"), said
    md = (out / "index.md").read_text()
    assert "- `basics`: ran with preset 'seed' (basics has no 'best')" in md  # and in the index
    assert "logistic-synthetic" in md and "`logistic-synthetic`: ran with" not in md


def _lab_stopped_unless_it_starts_with(first: str, *args: str) -> tuple[int, str, str]:
    """``groundup ARGS``, killed at once if its first line does not start with ``first`` (a lab
    that forgot its selection would run every experiment)."""
    proc = start_cli(*args, env={"PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()
    if not line.startswith(first):
        proc.kill()
    stdout, stderr = proc.communicate(timeout=300)
    assert line.startswith(first), line + stdout + stderr
    return proc.returncode, line + stdout, stderr


def test_ctrl_c_in_a_lab_prints_the_command_that_continues_it(tmp_path):
    out = tmp_path / "lab"
    # Ctrl-C in the 5th epoch of logistic-synthetic (basics trains nothing), with a preset and a
    # selection that are not the defaults: the printed command must continue this lab, not another.
    stopped = run_cli("lab", "--preset", "seed", "--only", "basics,logistic-synthetic", "--out", str(out),
                      env={"GROUNDUP_FAULT": "epoch-start@5:INT"})
    assert stopped.returncode == 130 and "Traceback" not in stopped.stderr, stopped.stderr
    command = f"groundup lab --resume {out}"
    assert stopped.stderr.strip().splitlines()[-1] == f"groundup: lab interrupted; continue it with: {command}"
    assert "## Tensor basics" in (out / "index.md").read_text()  # what completed is in the index already
    code, stdout, stderr = _lab_stopped_unless_it_starts_with("[1/2] basics", *command.split()[1:])
    assert code == 0, stdout + stderr
    assert "done before, kept" in stdout.splitlines()[0]
    assert "[2/2] logistic-synthetic" in stdout and "2 of 2 experiments ran" in stdout
    md = (out / "index.md").read_text()
    assert "preset `seed`" in md and "| logistic-synthetic | nn |" in md


def test_a_lab_stopped_in_its_first_experiment_resumes_too(tmp_path):
    out = tmp_path / "lab"
    stopped = run_cli("lab", "--only", "logistic-synthetic", "--out", str(out), env={"GROUNDUP_FAULT": "epoch-start@3:INT"})
    assert stopped.returncode == 130 and f"groundup lab --resume {out}" in stopped.stderr, stopped.stderr
    resumed = cli_run("lab", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert "| logistic-synthetic | nn |" in (out / "index.md").read_text()
