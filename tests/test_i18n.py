"""Reports in Chinese: one catalogue per language, figures drawn with a CJK font (never with
missing-glyph boxes), and English labels with one line saying why where no such font exists."""

from __future__ import annotations

import json
import re
import string
import warnings
from pathlib import Path

import numpy as np
import pytest

from conftest import CHROMIUM, chromium_dom, cli_run
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
    singular = {k for k in en if k.endswith(".one")}  # a form for one: optional (Chinese has no grammatical number)
    assert set(en) - singular <= set(zh) - titles <= set(en), (set(en) - singular - set(zh), set(zh) - titles - set(en))
    assert titles == {f"title.{name}" for name in EXPERIMENTS}
    for key in en:
        assert key not in zh or _fields(zh[key]) == _fields(en[key]), key
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
    assert '<html lang="zh-CN">' in html and "<strong>目录</strong>" in html and "运行目录中的文件" in html
    assert '<html lang="en">' in page("t", "# t\n", Path("."))



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
    done = cli_run("lab", "--preset", "quick", "--only", "linear-model,logistic-synthetic", "--lang", "zh",
                   "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    html = (out / "index.html").read_text()
    assert '<html lang="zh-CN">' in html and "实验报告" in html
    probe = out / "probe.html"
    probe.write_text(html.replace("</body>", GLYPH_CHECK + "</body>"))
    dom = chromium_dom(probe, tmp_path / 'profile')
    found = re.search(r'<pre id="glyphcheck">(.*?)</pre>', dom)
    assert found, dom[-2000:]
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
    done = cli_run("run", "linear-model", "--lang", "zh", "--out", str(tmp_path / "run"))
    assert done.returncode == 0, done.stderr
    assert "## 结果" in (tmp_path / "run" / "report.md").read_text()
    bad = cli_run("run", "linear-model", "--lang", "fr", "--out", str(tmp_path / "bad"))
    assert bad.returncode == 2 and "fr" in bad.stderr and "Traceback" not in bad.stderr


# ---------------------------------------------------------------- the learner's loop in Chinese

import ast  # noqa: E402
import importlib.util  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from mistakes import MISTAKES, write_wrong  # noqa: E402

from groundup.exercises import catalogue  # noqa: E402
from groundup.exercises.checking import run_checks  # noqa: E402

# Words that are code or mathematics in a Chinese sentence, not English.
CODE_WORDS = {"softmax", "sigmoid", "logit", "exp", "log", "max", "sum", "argmax", "inf", "nan", "mean", "tanh",
              "relu", "float", "len", "return",
              # parameter names and values the hints quote as code (keepdims=True, nesterov=False, seed)
              "axis", "keepdims", "true", "false", "nesterov", "momentum", "dampening", "seed", "epoch"}
SHORT_WORDS = {"of", "in", "is", "to", "an", "at", "by", "on", "or", "be", "it", "as", "no", "if", "we", "do"}
# Once the hints speak Chinese (exercises/mistakes.py), their lines are held to the same rule.
HINTS_IN_CHINESE = importlib.util.find_spec("groundup.exercises.mistakes") is not None


def english_words(line: str) -> list[str]:
    """The English words of a line: lower-case words of three letters or more (or the short
    function words), leaving out identifiers (``cross_entropy``, ``x.T``, ``dW``), numbers,
    names of exceptions and the learner's own code quoted in a traceback."""
    if re.search(r"第 \d+ 行，.* 中：", line):  # a traceback line quotes the learner's code
        return []
    # a word joined to a dot, an underscore, a digit or a bracket is code: x.T, out[n], exp(z)
    words = [m.group() for m in re.finditer(r"(?<![\w.])[A-Za-z]+(?:'[a-z]+)?(?![\w(\[.]|\.\w)", line)]
    return [w for w in words if (re.fullmatch(r"(?:[a-z]{3,}|[A-Z][a-z]{2,})(?:'[a-z]+)?", w)
                                 and w.lower() not in CODE_WORDS) or w in SHORT_WORDS]


def test_english_words_finds_sentences_not_identifiers():
    assert len(english_words("the sign is flipped: dL/dz = (softmax(z) - onehot(y)) / n")) >= 3
    assert english_words("cross_entropy_grad(z, y)：应为 [0.1, ...]（形状 (6, 4)），实际为 dx, dW, db") == []


WRONG = [(stem, name) for stem, cases in MISTAKES.items() for name in cases]


@pytest.mark.parametrize("stem,name", WRONG, ids=[f"{s}-{n}" for s, n in WRONG])
def test_check_in_chinese_has_no_english_sentence(stem, name, tmp_path):
    path = write_wrong(stem, name, tmp_path)
    report = run_checks(path, catalogue.get(stem.replace("_", "-")), 60, in_use=False)
    assert not report.passed
    with i18n.language("zh"):
        text = report.text()
    assert CJK.search(text)
    for line in text.splitlines():
        if line.strip().startswith("提示：") and not HINTS_IN_CHINESE:
            continue
        assert len(english_words(line)) < 3, line


def test_every_name_an_exercise_shows_has_its_chinese():
    for ex in catalogue.exercises().values():
        for text in [ex.asks, "file loads", *(c.name for c in ex.checks)]:
            said = i18n.CODE["zh"].get(text)
            assert said is not None, text
            assert CJK.search(said) or (said == text and re.fullmatch(r"\w+", text)), text  # or an identifier


def test_relay_fills_the_chinese_template_with_the_fields():
    line = "softmax(z): expected shape (6, 4) [0.1, 0.2, ...], got shape (4, 6) [0.1, 0.3, ...] (ratio -1)"
    with i18n.language("zh"):
        said = i18n.relay(line)
    assert said == "softmax(z)：应为 [0.1, 0.2, ...]（形状 (6, 4)），实际为 [0.1, 0.3, ...]（形状 (4, 6)）（比值 -1）"
    assert i18n.relay(line) == line  # English is left as written
    with i18n.language("zh"):
        assert i18n.relay("something no template knows") == "something no template knows"


def test_language_is_chosen_by_flag_then_variable_then_locale(monkeypatch):
    for var in ("GROUNDUP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert i18n.choose() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.choose() == "zh" and i18n.choose("en") == "en"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL wins over LANG, as POSIX reads them
    assert i18n.choose() == "en"
    monkeypatch.setenv("GROUNDUP_LANG", "zh")
    assert i18n.choose() == "zh"
    monkeypatch.setenv("GROUNDUP_LANG", "fr")
    with pytest.raises(ConfigError, match="GROUNDUP_LANG"):
        i18n.choose()


def _env(**values) -> dict:
    """No language in the environment (None: unset for the call) but ``values``."""
    return {**dict.fromkeys(("GROUNDUP_LANG", "LC_ALL", "LC_MESSAGES", "LANG")), **values}


def test_the_locale_alone_switches_the_commands_and_lang_en_wins(tmp_path):
    import os

    def run(*args, **env):  # the language is chosen when the command runs: in this process
        return cli_run(*args, cwd=tmp_path, env=_env(**env))

    zh = run("exercise", "list", LANG="zh_CN.UTF-8")
    assert zh.returncode == 0 and zh.stdout.startswith("名称") and "你要写的" in zh.stdout
    en = run("exercise", "list", "--lang", "en", LANG="zh_CN.UTF-8")
    assert en.stdout.startswith("name") and not CJK.search(en.stdout)
    start = run("exercise", "start", "softmax-regression", "--lang", "zh")
    assert start.returncode == 0 and "已写入" in start.stdout
    assert "逐行计算各类别的概率" in (tmp_path / "softmax_regression.py").read_text(encoding="utf-8")
    refused = run("exercise", "start", "softmax-regression", LANG="zh_CN.UTF-8")
    assert refused.returncode == 2 and refused.stderr.startswith("groundup：错误：")
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    check = run("check", "softmax_regression.py", "--no-in-use", GROUNDUP_LANG="zh", LANG="C.UTF-8")
    assert check.returncode == 1 and "还没写" in check.stdout and "项检查通过" in check.stdout
    assert os.path.exists(tmp_path / "softmax_regression.py")


def test_every_command_that_prints_takes_lang():
    from groundup.cli import _leaves, build_parser

    for leaf in _leaves(build_parser()):
        assert "--lang" in leaf._option_string_actions, leaf.prog


@pytest.mark.parametrize("name", catalogue.ORDER)
def test_chinese_scaffold_keeps_the_signatures_and_the_math(name):
    en, zh = catalogue.scaffold(name, "en"), catalogue.scaffold(name, "zh")

    def shape(text):
        tree = ast.parse(text)
        return [(type(n).__name__, n.name, ast.unparse(n.args) if hasattr(n, "args") else "")
                for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]

    assert shape(en) == shape(zh)
    assert CJK.search(zh) and not CJK.search(en)
    # every formula (a piece of a line with "=" and no English word) is kept as it is
    formulas = [piece.strip().rstrip(".").strip("()") for line in en.splitlines()
                for piece in re.split(r"\s{2,}|\.\s|\"\"\"|: |; |, (?=[a-z]{4,})", line)
                if ("=" in piece or "<-" in piece)
                and not english_words(re.sub(r"\b(sum|over|of)\b", "", piece))]
    assert formulas or name == "dataset"
    for formula in formulas:
        assert formula in zh, formula


def test_grade_writes_chinese_feedback(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    write_wrong("softmax_regression", "grad_sign", folder).rename(folder / "ming.py")
    done = cli_run("grade", str(folder), "--exercise", "softmax-regression", "--no-in-use", "--lang", "zh",
                   "--out", str(tmp_path / "grades.csv"), "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "共 1 份提交" in done.stdout and "未通过" in done.stdout
    feedback = (tmp_path / "feedback" / "ming.md").read_text(encoding="utf-8")
    assert "项检查通过" in feedback and "cross_entropy_grad 的值" in feedback
    assert (tmp_path / "grades.csv").read_text().startswith("submission,exercise,score")  # CSV keys stay


def test_chinese_emphasis_renders_in_html_and_latin_products_stay():
    from groundup.report.html import _inline

    assert _inline("torch.nn 版本加的是返回的*批量平均值*，每个批量一个", None, None) == \
        "torch.nn 版本加的是返回的<em>批量平均值</em>，每个批量一个"
    assert "<em>" not in _inline("a*b and c*d", None, None)
    assert _inline("the *mean* loss", None, None) == "the <em>mean</em> loss"


def test_the_report_says_model_data_and_classes_in_chinese():
    from groundup.report.analysis import classification_analysis
    from groundup.training.train import EpochRecord, History

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
    cm = np.eye(10, dtype=int) * 50
    cm[6, 4] = 40  # shirts taken for coats
    history = History([EpochRecord(1, 0.5, 0.8, 0.6, 0.7, 1.0)])
    with i18n.language("zh"):
        text = "\n".join(classification_analysis(history, cm, classes))
        assert "衬衫 → 外套 (40)" in text and "Shirt" not in text
        assert i18n.described("784-10 (softmax output)") == "784-10（softmax 输出）"
        assert i18n.described("MNIST normalised as (x − 0.1307) / 0.3081") == "MNIST，按 (x − 0.1307) / 0.3081 归一化"
        assert "逐特征标准化" in i18n.t("report.settings_head")
    assert i18n.described("784-10 (softmax output)") == "784-10 (softmax output)"


def test_a_run_speaks_chinese_on_the_terminal_in_its_card_and_its_plot(tmp_path):
    import groundup

    done = cli_run("run", "logistic-synthetic", "--impl", "numpy", "--epochs", "2", "--lang", "zh",
                   "--out", str(tmp_path / "cli"))
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "epoch 2/2：训练集损失值" in said and "训练用时" in said and "报告：" in said
    assert "train loss" not in said and "done:" not in said
    result = groundup.run("logistic-synthetic", impl="all", epochs=2, out=tmp_path / "api", quiet=True, lang="zh")
    card = result._repr_html_()
    assert "测试集正确率" in card and "各实现之间的最大参数差" in card and "报告：" in card
    assert "test accuracy" not in card and "s / epoch" not in card and "report:" not in card
    assert "<small>（比较）</small>" in card  # full-width brackets in a Chinese sentence
    ax = result.plot("test_accuracy")
    assert all(float(tick).is_integer() for tick in ax.get_xticks())
    if i18n.find_cjk_font():
        assert ax.get_ylabel() == "测试集正确率" and ax.get_xlabel() == "epoch"
    assert groundup.open_run(tmp_path / "api", lang="en")._repr_html_().count("test accuracy") >= 1


def test_usage_errors_and_data_errors_are_one_chinese_line(tmp_path):
    bad = cli_run("run", "logistic-synthetic", "--impl", "foo", "--lang", "zh")
    assert bad.returncode == 2 and bad.stderr.startswith("groundup run：错误：参数 --impl：")
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    missing = cli_run("exercise", "start", "--lang", "zh")
    assert missing.returncode == 2 and "缺少必需的参数：NAME" in missing.stderr
    data = cli_run("run", "softmax-mnist", "--lang", "zh", "--data-dir", str(tmp_path),
                   env={"GROUNDUP_DATA": str(tmp_path / "none"), "HOME": str(tmp_path)})
    assert data.returncode == 2 and data.stderr.startswith("groundup：错误：MNIST：未找到。查找过：")
    assert "获取方式" in data.stderr and "Traceback" not in data.stderr


def test_a_sentence_that_counts_one_thing_has_its_own_form():
    fields = dict(passed=1, out="grades.csv", feedback="feedback")
    assert i18n.t("grade.summary", "en", n=1, **fields).startswith("1 submission, ")
    assert "1 feedback file in" in i18n.t("grade.summary", "en", n=1, **fields)
    assert i18n.t("grade.summary", "en", n=2, **fields).startswith("2 submissions, ")
    assert i18n.t("report.settings", "en", n=1) == "## Settings"  # no form for one: the sentence itself
    # the last line of an interrupted command: the program's name as in every other line of its language
    assert i18n.t("cli.interrupted", "en") == "groundup: interrupted"
    assert i18n.t("cli.hint", "zh", text="继续训练").startswith("groundup：")
    # Chinese has no grammatical number: 1 is said with the general form
    assert i18n.t("grade.summary", "zh", n=1, passed=1, out="grades.csv", feedback="feedback") == \
        "共 1 份提交，1 份通过了全部检查；已写入 grades.csv，以及 feedback/ 中的 1 个反馈文件"
