"""The lab's index.html: a table of contents, unique ids, and links that work in a lone file."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from groundup.app.labbook import Entry, write_index
from groundup.report.html import markdown_to_html, page


def _report(title: str) -> str:
    return f"# {title}\n\n## Settings\n\nx\n\n## Analysis\n\nSome text.\n"


def _fake_lab(out):
    """Two experiments as the lab leaves them: comparison.md and one report.md per impl."""
    for name, title in (("logistic-synthetic", "Logistic regression on synthetic data"),
                        ("linear-regression", "Linear regression on synthetic data")):
        (out / name).mkdir(parents=True)
        (out / name / "comparison.md").write_text(
            f"# {title}: `numpy`, `scratch`, `nn` compared\n\nSame parameters.\n\n"
            "Run folders: [numpy](numpy/report.md), [scratch](scratch/report.md), [nn](nn/report.md)\n")
        for impl in ("numpy", "scratch", "nn"):
            (out / name / impl).mkdir()
            (out / name / impl / "report.md").write_text(_report(f"{title}: `{impl}`"))
    entries = [Entry("logistic-synthetic", "done"), Entry("linear-regression", "done"),
               Entry("softmax-mnist", "skipped", reason="MNIST not found")]
    write_index(entries, "quick", out)
    return (out / "index.html").read_text()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.anchors = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a":
            self.anchors.append(a)


def test_lab_index_has_contents_unique_ids_and_no_dead_in_page_links(tmp_path):
    html = _fake_lab(tmp_path)
    parsed = _Links()
    parsed.feed(html)
    assert len(parsed.ids) == len(set(parsed.ids)), sorted(parsed.ids)
    assert html.count('id="') == len(parsed.ids) and len(parsed.ids) >= 10  # "Analysis" twice, both unique
    nav = re.search(r'<nav class="toc">.*?</nav>', html, re.S).group(0)
    for name in ("logistic-synthetic", "linear-regression", "softmax-mnist"):
        assert f'href="#{name}"' in nav
    internal = [a["href"][1:] for a in parsed.anchors if a.get("href", "").startswith("#")]
    assert internal and all(target in parsed.ids for target in internal), internal


def test_links_to_embedded_reports_are_in_page_and_other_files_are_marked(tmp_path):
    html = _fake_lab(tmp_path)
    parsed = _Links()
    parsed.feed(html)
    by_label = {}
    for m in re.finditer(r'<a ([^>]*)>(numpy|scratch|nn)</a>', html):
        by_label.setdefault(m.group(2), []).append(m.group(1))
    # the lab embeds the nn report of each experiment: its links point at the embedded text
    assert all(attrs.startswith('href="#') for attrs in by_label["nn"]) and len(by_label["nn"]) == 2
    # the numpy and scratch reports are only in the folder: marked as files, not dead anchors
    for impl in ("numpy", "scratch"):
        assert all('class="file"' in attrs for attrs in by_label[impl]), by_label[impl]
    nn_target = by_label["nn"][0][len('href="#'):].split('"')[0]
    heading = re.search(rf'<h(\d) id="{re.escape(nn_target)}">(.*?)</h\1>', html).group(2)
    assert "<code>nn</code>" in heading


def test_short_pages_get_no_contents_and_fragments_keep_plain_ids():
    text = "# T\n\n## Analysis\n\nx\n\n## Analysis\n\ny\n"
    html = page("t", text, None)
    assert "<nav" not in html
    assert 'id="analysis"' in html and 'id="analysis-2"' in html
    assert '<h1 id="t">T</h1>' in markdown_to_html("# T\n", base=None)
