"""The not-found messages offer only remedies that fetch the data set asked for."""

from __future__ import annotations

import pytest

from groundup.data import vision
from groundup.errors import DataError


@pytest.mark.parametrize("name, debian", [("mnist", False), ("fashion-mnist", True)])
def test_only_fashion_mnist_suggests_the_debian_fashion_mnist_package(name, debian, tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDUP_DATA", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(vision, "SYSTEM_ROOT", tmp_path / "system")
    with pytest.raises(DataError) as info:
        vision.load(name, tmp_path / "data")
    message = str(info.value)
    assert f"groundup data download {name}" in message
    assert ("dataset-fashion-mnist" in message) is debian
