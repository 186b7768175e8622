"""groundup: deep-learning fundamentals built twice, by hand and with torch.nn.

From Python (a notebook, a script)::

    import groundup
    result = groundup.run("logistic-synthetic", impl="all", preset="quick")
    result.summary["numpy"]["final"]["test_accuracy"], result.history.to_pandas()
    groundup.compare("softmax-mnist"), groundup.lab(only="basics,linear-regression")
    groundup.open_run("runs/logistic-synthetic/latest")
    x_train, y_train, x_test, y_test = groundup.datasets.load("fashion-mnist")
    groundup.check("softmax-regression")   # the functions this notebook defines, checked

Every function takes ``lang="en"`` or ``"zh"`` (default: ``$GROUNDUP_LANG``, else the locale).

The command line (``groundup run ...``) does the same from a terminal.
"""

from groundup.version import __version__  # noqa: E402

from groundup import datasets  # noqa: E402
from groundup.api import check, compare, lab, open_run, resume, run  # noqa: E402
from groundup.store.results import Result  # noqa: E402

__all__ = ["Result", "check", "compare", "datasets", "lab", "open_run", "resume", "run", "__version__"]
