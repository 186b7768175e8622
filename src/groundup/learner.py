"""``groundup.learner.Learner``, the public path of the learner interface; it lives in
``groundup.core.learner`` with the other protocols the layers below the training loop share."""

from groundup.core.learner import Learner  # noqa: F401
