"""Reports in Chinese: one catalogue per language, figures drawn with a CJK font (never with
missing-glyph boxes), and English labels with one line saying why where no such font exists."""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from groundup import i18n
from groundup.errors import ConfigError
from groundup.experiments import EXPERIMENTS, get
from groundup.report import figures, images
from groundup.report.html import page
from groundup.store.runs import RunFolder

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# Experiments that need no data set: every figure they draw, in Chinese.
NO_DATA = ("basics", "linear-model", "gradient-descent", "linear-regression", "logistic-synthetic", "rnn-hello")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_sentence_with_the_same_fields():
    en, zh = i18n.CATALOGUES["en"], i18n.CATALOGUES["zh"]
    titles = {k for k in zh if k.startswith("title.")}  # English titles live with the experiments
    assert set(zh) - titles == set(en), (set(en) - set(zh), set(zh) - titles - set(en))
    assert titles == {f"title.{name}" for name in EXPERIMENTS}
    for key in en:
        assert _fields(zh[key]) == _fields(en[key]), key
        assert not CJK.search(en[key]), key  # the English catalogue is English


def test_numbers_read_the_same_in_both_languages():
    fields = dict(best=0.98765, epoch=7, n=10, last=0.5, train=0.25)
    en, zh = (i18n.t("analysis.best", lang, **fields) for lang in ("en", "zh"))
    for number in ("0.9877", "7", "10", "0.5000", "0.2500"):
        assert number in en and number in zh
    assert CJK.search(zh)


def test_language_is_chosen_once_and_restored():
    assert i18n.current() == "en"
    with i18n.language("zh"):
        assert i18n.t("report.settings") == "## 设置"
        with i18n.language(None):  # None leaves it as it is
            assert i18n.current() == "zh"
    assert i18n.t("report.settings") == "## Settings"
    with pytest.raises(ConfigError):
        with i18n.language("fr"):
            pass


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def _draw_everything(out: Path) -> None:
    """Every figure the experiments without data draw, and the image classifiers' figures."""
    for name in NO_DATA:
        exp = get(name)
        impls = ["numpy"] if exp.task is not None else list(exp.impls)
        settings = exp.settings("quick", **({"epochs": 2} if exp.task is not None else {}))
        exp.run(exp, impls, settings, out / name, "quick", quiet=True, say=lambda *a, **k: None)
    rng = np.random.default_rng(0)
    classes = [str(c) for c in range(10)]
    y, pred = rng.integers(0, 10, 40), rng.integers(0, 10, 40)
    probs = rng.dirichlet(np.ones(10), 40)
    pics = rng.integers(0, 255, (40, 28, 28)).astype(np.uint8)
    folder = RunFolder(out / "images")
    title = i18n.ft("fig.run_title", name="x", impl="nn", preset="quick")
    folder.save_figure(images.samples(pics, y, pred, classes, title, probs=probs), "samples.png")
    folder.save_figure(images.mistakes(pics, y, pred, probs, classes, title), "mistakes.png")
    folder.save_figure(images.mistakes(pics, y, y, probs, classes, title), "none.png")
    folder.save_figure(images.weight_images(rng.normal(size=(10, 784)), classes, (28, 28), title), "w.png")
    rows = [dict(epoch=e, train_loss=1 / e, test_loss=1.1 / e, train_accuracy=0.5 + e / 10,
                 test_accuracy=0.5 + e / 11) for e in (1, 2, 3)]
    folder.save_figure(figures.compare_curves({"numpy": rows, "nn": rows}, title), "compare.png")
    folder.save_figure(figures.confusion(np.eye(3, dtype=int) * 5 + 1, ["a", "b", "c"], title), "cm.png")


@pytest.mark.skipif(i18n.find_cjk_font() is None, reason="no CJK font installed (Debian: fonts-noto-cjk)")
def test_chinese_figures_have_no_missing_glyphs(tmp_path):
    import matplotlib

    family = list(matplotlib.rcParams["font.family"])
    with i18n.language("zh"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figures.curves([dict(epoch=1, train_loss=1.0, test_loss=1.2, train_accuracy=0.5,
                                   test_accuracy=0.4)], "t")
        _draw_everything(tmp_path)
    assert _glyph_warnings(caught) == []
    assert list(matplotlib.rcParams["font.family"]) == family  # the font applied only while drawing
    labels = [fig.axes[0].get_title(), fig.axes[0].get_ylabel(), fig.axes[1].get_title()]
    assert all(CJK.search(label) for label in labels), labels  # the figures are in Chinese
    assert len(list(tmp_path.rglob("*.png"))) >= 15
    report = (tmp_path / "logistic-synthetic" / "report.md").read_text()
    assert "## 设置" in report and i18n.t("font.missing", "zh") not in report


def test_without_a_cjk_font_figures_stay_english_and_one_line_says_why(tmp_path, monkeypatch, capsys):
    import groundup

    monkeypatch.setattr(i18n, "find_cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with i18n.language("zh"):
            fig = figures.curves([dict(epoch=1, train_loss=1.0, test_loss=1.2, train_accuracy=0.5,
                                       test_accuracy=0.4)], "t")
        result = groundup.run("logistic-synthetic", impl="numpy", epochs=2, out=tmp_path / "run", lang="zh")
    assert _glyph_warnings(caught) == []
    assert fig.axes[0].get_title() == "Loss" and fig.axes[1].get_title() == "Accuracy"
    line = i18n.t("font.missing", "zh")
    assert capsys.readouterr().out.count(line) == 1  # on the terminal, once
    report = (result.path / "report.md").read_text()
    assert report.count(line) == 1 and "## 设置" in report  # and in the report, still in Chinese


def test_html_page_names_its_language():
    with i18n.language("zh"):
        html = page("标题", "# 标题\n\n## 一\n\n## 二\n\n## 三\n\n[f](a.csv)\n", Path("."))
    assert '<html lang="zh-CN">' in html and "<strong>目录</strong>" in html and "运行文件夹中的文件" in html
    assert '<html lang="en">' in page("t", "# t\n", Path("."))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Draws each distinct CJK character of the page in the page's own font on a canvas: a missing
# glyph is drawn as the same box for every character (or as nothing), so distinct characters
# must give distinct, non-empty pictures.
GLYPH_CHECK = """
<script>
(function () {
  const chars = [...new Set(document.body.innerText.match(/[\\u4e00-\\u9fff]/g) || [])].slice(0, 80);
  const font = getComputedStyle(document.body).fontFamily;
  const canvas = document.createElement("canvas"); canvas.width = 40; canvas.height = 40;
  const ctx = canvas.getContext("2d");
  function picture(ch) {
    ctx.clearRect(0, 0, 40, 40); ctx.font = "28px " + font; ctx.fillStyle = "#000";
    ctx.fillText(ch, 4, 32);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data.filter((_, i) => i % 4 == 3)).join(",");
  }
  const seen = new Set(chars.map(picture));
  const blank = picture(" ");
  const pre = document.createElement("pre"); pre.id = "glyphcheck";
  pre.textContent = JSON.stringify({chars: chars.length, distinct: seen.size, blank: seen.has(blank),
                                    box: seen.has(picture("\\ue000"))});
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_chinese_lab_page_renders_without_missing_glyphs_in_chromium(tmp_path):
    out = tmp_path / "lab"
    done = run_cli("lab", "--preset", "quick", "--only", "linear-model,logistic-synthetic", "--lang", "zh",
                   "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    html = (out / "index.html").read_text()
    assert '<html lang="zh-CN">' in html and "实验报告" in html
    probe = out / "probe.html"
    probe.write_text(html.replace("</body>", GLYPH_CHECK + "</body>"))
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'<pre id="glyphcheck">(.*?)</pre>', dom.stdout)
    assert found, dom.stdout[-2000:]
    check = json.loads(found.group(1).replace("&quot;", '"'))
    assert check["chars"] >= 30, check
    assert check["distinct"] == check["chars"] and not check["blank"] and not check["box"], check


def test_the_language_changes_the_words_not_the_numbers_files_or_json(tmp_path):
    import groundup

    runs = {lang: groundup.run("logistic-synthetic", impl="all", epochs=2, out=tmp_path / lang, lang=lang,
                               quiet=True) for lang in ("en", "zh")}
    en, zh = (sorted(p.relative_to(tmp_path / lang) for p in (tmp_path / lang).rglob("*") if p.is_file())
              for lang in ("en", "zh"))
    assert en == zh  # the same files
    s_en, s_zh = (json.loads((tmp_path / lang / "nn" / "summary.json").read_text()) for lang in ("en", "zh"))
    assert s_en.keys() == s_zh.keys() and s_en["final"] == s_zh["final"]
    assert runs["en"].comparison["max_param_difference"] == runs["zh"].comparison["max_param_difference"]
    report_en, report_zh = ((tmp_path / lang / "nn" / "report.md").read_text() for lang in ("en", "zh"))
    assert "## Settings" in report_en and not CJK.search(report_en)
    assert "## 设置" in report_zh and "## Settings" not in report_zh
    assert f"{s_en['final']['test_accuracy']:.4f}" in report_zh  # numbers as in English
    assert "# 合成数据上的逻辑回归：`numpy`、`scratch`、`nn` 的比较" in (tmp_path / "zh" / "comparison.md").read_text()


def test_cli_takes_lang_and_refuses_an_unknown_one(tmp_path):
    done = run_cli("run", "linear-model", "--lang", "zh", "--out", str(tmp_path / "run"))
    assert done.returncode == 0, done.stderr
    assert "## 结果" in (tmp_path / "run" / "report.md").read_text()
    bad = run_cli("run", "linear-model", "--lang", "fr", "--out", str(tmp_path / "bad"))
    assert bad.returncode == 2 and "fr" in bad.stderr and "Traceback" not in bad.stderr
