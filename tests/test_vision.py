"""MNIST / Fashion-MNIST: search order, loading, checksums, the missing-data message, download.

Fake data sets are tiny IDX files in tmp_path with a spec whose checksums match them; the
environment (HOME, XDG_CACHE_HOME, GROUNDUP_DATA, the system root) is isolated so nothing
depends on the machine. The real-data tests skip when the real files are not found.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import shutil
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from groundup.data import vision
from groundup.data.idx import read_bytes, write_idx
from groundup.data.vision import OfficialFile, VisionSpec
from groundup.errors import DataError

NAME = "fashion-mnist"
REAL_ROOTS = {name: vision.locate(name) for name in vision.DATASETS}  # before any monkeypatching


def make_fake(root: Path, gz: bool = True, n_train: int = 20, n_test: int = 10) -> dict[str, np.ndarray]:
    """Write a tiny fashion-mnist under ``root/fashion-mnist/``; return the arrays by file name."""
    rng = np.random.default_rng(0)
    names = vision.FILE_NAMES
    arrays = {
        names[0]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        names[1]: rng.integers(0, 10, n_train, dtype=np.uint8),
        names[2]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        names[3]: rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    folder = root / NAME
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        write_idx(folder / (name + (".gz" if gz else "")), array)
    return arrays


def spec_for(root: Path, mirrors: tuple[str, ...] = ("http://mirror.test/fm/",)) -> VisionSpec:
    """The real fashion-mnist spec with checksums/sizes of the fake files under ``root``."""
    files = []
    for name in vision.FILE_NAMES:
        raw = read_bytes(vision.find_files(vision.DATASETS[NAME], root)[name])
        files.append(OfficialFile(name, hashlib.sha256(raw).hexdigest(), len(raw)))
    return dataclasses.replace(vision.DATASETS[NAME], files=tuple(files), mirrors=mirrors)


@pytest.fixture
def env(isolated_roots):
    """Isolated roots: returns a dict of the paths each search root will resolve to."""
    return {k: isolated_roots / k for k in ("data_dir", "env", "home", "xdg", "system")}


@pytest.fixture
def fake(env, monkeypatch):
    """A fake fashion-mnist in ``env['data_dir']`` with the spec patched to match it."""
    arrays = make_fake(env["data_dir"])
    monkeypatch.setitem(vision.DATASETS, NAME, spec_for(env["data_dir"]))
    return arrays


def test_search_roots_order(env, monkeypatch):
    assert vision.cache_dir() == env["home"] / ".cache" / "groundup"
    assert vision.search_roots() == [vision.cache_dir(), env["system"]]
    monkeypatch.setenv("GROUNDUP_DATA", str(env["env"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(env["xdg"]))
    assert vision.cache_dir() == env["xdg"] / "groundup"
    assert vision.search_roots(env["data_dir"]) == [
        env["data_dir"], env["env"], env["xdg"] / "groundup", env["system"]
    ]
    no_duplicates = [env["env"], env["xdg"] / "groundup", env["system"]]
    assert vision.search_roots(env["env"]) == no_duplicates


def test_locate_honours_search_order(env, fake, monkeypatch):
    cache = vision.cache_dir()
    for root in (env["env"], cache, env["system"]):
        shutil.copytree(env["data_dir"] / NAME, root / NAME)
    monkeypatch.setenv("GROUNDUP_DATA", str(env["env"]))
    assert vision.locate(NAME, env["data_dir"]) == env["data_dir"]
    assert vision.locate(NAME) == env["env"]
    shutil.rmtree(env["env"] / NAME)
    assert vision.locate(NAME) == cache
    (cache / NAME / "t10k-labels-idx1-ubyte.gz").unlink()  # an incomplete root is skipped
    assert vision.locate(NAME) == env["system"]
    shutil.rmtree(env["system"])
    assert vision.locate(NAME) is None


@pytest.mark.parametrize("gz", [True, False])
def test_load_returns_the_arrays(env, monkeypatch, gz):
    arrays = make_fake(env["data_dir"], gz=gz)
    monkeypatch.setitem(vision.DATASETS, NAME, spec_for(env["data_dir"]))
    data = vision.load(NAME, env["data_dir"])
    assert data.root == env["data_dir"] and data.spec.classes[0] == "T-shirt/top"
    assert data.x_train.dtype == np.uint8 and data.x_train.shape == (20, 28, 28)
    assert data.y_train.dtype == np.int64 and data.y_test.shape == (10,)
    got = (data.x_train, data.y_train, data.x_test, data.y_test)
    for name, array in zip(vision.FILE_NAMES, got):
        np.testing.assert_array_equal(array, arrays[name])
    assert all(check.ok for check in vision.verify(NAME, env["data_dir"]))


def test_uncompressed_preferred_over_gz(env, fake):
    plain = env["data_dir"] / NAME / "train-labels-idx1-ubyte"
    plain.write_bytes(read_bytes(plain.with_name(plain.name + ".gz")))
    found = vision.find_files(vision.DATASETS[NAME], env["data_dir"])
    assert found["train-labels-idx1-ubyte"] == plain
    assert found["train-images-idx3-ubyte"].name == "train-images-idx3-ubyte.gz"
    vision.load(NAME, env["data_dir"])


def test_checksum_mismatch(env, fake):
    bad = env["data_dir"] / NAME / "t10k-labels-idx1-ubyte.gz"
    write_idx(bad, np.full(10, 3, np.uint8))
    with pytest.raises(DataError) as info:
        vision.load(NAME, env["data_dir"])
    message = str(info.value)
    assert message.startswith(f"{bad}: SHA-256 mismatch (expected ")
    assert "not the official one" in message
    assert "\n" not in message
    checks = {c.path.name: c for c in vision.verify(NAME, env["data_dir"])}
    assert not checks[bad.name].ok and checks["train-images-idx3-ubyte.gz"].ok
    assert checks["train-images-idx3-ubyte.gz"].size == 20 * 28 * 28 + 16


def test_corrupt_gzip_reported_by_verify(env, fake):
    bad = env["data_dir"] / NAME / "train-labels-idx1-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:15])
    with pytest.raises(DataError, match="corrupt gzip"):
        vision.load(NAME, env["data_dir"])
    check = vision.verify(NAME, env["data_dir"])[1]
    assert not check.ok and "corrupt gzip" in check.error


def test_label_count_must_match(env, monkeypatch):
    make_fake(env["data_dir"])
    write_idx(env["data_dir"] / NAME / "train-labels-idx1-ubyte.gz", np.zeros(19, np.uint8))
    monkeypatch.setitem(vision.DATASETS, NAME, spec_for(env["data_dir"]))
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: expected 20 uint8 labels"):
        vision.load(NAME, env["data_dir"])


def test_missing_message_lists_roots_and_remedies(env, monkeypatch):
    monkeypatch.setenv("GROUNDUP_DATA", str(env["env"]))
    with pytest.raises(DataError) as info:
        vision.load(NAME, env["data_dir"])
    message = str(info.value)
    assert message.startswith("Fashion-MNIST not found.")
    for root in (env["data_dir"], env["env"], vision.cache_dir(), env["system"]):
        assert f"{root}/{NAME}" in message
    remedies = ("groundup data download fashion-mnist", "--data-dir", "GROUNDUP_DATA=", "dataset-fashion-mnist")
    for remedy in remedies:
        assert remedy in message
    with pytest.raises(DataError, match="Fashion-MNIST not found"):
        vision.verify(NAME, env["data_dir"])


def test_unknown_name(env):
    with pytest.raises(DataError, match="unknown data set 'cifar'"):
        vision.load("cifar")


def test_info_does_not_need_data(env, fake):
    rows = {row["name"]: row for row in vision.info(env["data_dir"])}
    assert set(rows) == {"mnist", "fashion-mnist", "diabetes"}
    assert rows[NAME]["root"] == env["data_dir"] and rows["mnist"]["root"] is None
    assert rows["diabetes"]["searched"][0] == env["data_dir"]


# ---------------------------------------------------------------- download


def serve(monkeypatch, files: dict[str, bytes]) -> list[str]:
    """Make vision._urlopen serve ``files`` (url -> bytes); return the list of requested URLs."""
    requested: list[str] = []

    def fake_urlopen(url, timeout):
        requested.append(url)
        assert timeout == vision.DOWNLOAD_TIMEOUT
        if url not in files:
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)
        response = io.BytesIO(files[url])
        response.headers = {"Content-Length": str(len(files[url]))}
        return response

    monkeypatch.setattr(vision, "_urlopen", fake_urlopen)
    return requested


def server_files(root: Path, mirror: str) -> dict[str, bytes]:
    return {f"{mirror}{p.name}": p.read_bytes() for p in (root / NAME).iterdir()}


def test_download_good_files(env, fake, monkeypatch):
    mirror = vision.DATASETS[NAME].mirrors[0]
    requested = serve(monkeypatch, server_files(env["data_dir"], mirror))
    root = vision.download(NAME, cache=env["xdg"], progress=False)
    assert root == env["xdg"]
    landed = sorted(p.name for p in (root / NAME).iterdir())
    assert landed == sorted(f"{n}.gz" for n in vision.FILE_NAMES)  # no .part files left
    assert len(requested) == 4
    vision.download(NAME, cache=env["xdg"], progress=False)  # already there and intact: no requests
    assert len(requested) == 4
    np.testing.assert_array_equal(vision.load(NAME, root).y_test, fake["t10k-labels-idx1-ubyte"])


def test_download_bad_file_leaves_nothing(env, fake, monkeypatch):
    mirror = vision.DATASETS[NAME].mirrors[0]
    files = server_files(env["data_dir"], mirror)
    files[f"{mirror}train-labels-idx1-ubyte.gz"] = gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07")
    serve(monkeypatch, files)
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: SHA-256 mismatch"):
        vision.download(NAME, cache=env["xdg"], progress=False)
    assert [p.name for p in (env["xdg"] / NAME).iterdir()] == ["train-images-idx3-ubyte.gz"]


def test_download_tries_next_mirror(env, monkeypatch):
    make_fake(env["data_dir"])
    spec = spec_for(env["data_dir"], mirrors=("http://down.test/", "http://up.test/"))
    monkeypatch.setitem(vision.DATASETS, NAME, spec)
    requested = serve(monkeypatch, server_files(env["data_dir"], "http://up.test/"))
    vision.download(NAME, cache=env["xdg"], progress=False)
    assert vision.locate(NAME, env["xdg"]) == env["xdg"]
    first = "train-images-idx3-ubyte.gz"
    assert requested[:2] == [f"http://down.test/{first}", f"http://up.test/{first}"]


def test_download_without_network(env, fake, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError(OSError("Name or service not known"))

    monkeypatch.setattr(vision, "_urlopen", offline)
    with pytest.raises(DataError) as info:
        vision.download(NAME, cache=env["xdg"], progress=False)
    message = str(info.value)
    assert message.startswith("could not download http://mirror.test/fm/train-images-idx3-ubyte.gz: ")
    for part in ("Name or service not known", "no internet?", "GROUNDUP_DATA"):
        assert part in message
    assert list((env["xdg"] / NAME).iterdir()) == []


# ---------------------------------------------------------------- the real data


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.skipif(r is None, reason=f"{n} not found; set GROUNDUP_DATA"))
     for n, r in REAL_ROOTS.items()],
)
def test_real_data(name):
    root = REAL_ROOTS[name]
    data = vision.load(name, root)
    assert data.x_train.shape == (60000, 28, 28) and data.x_test.shape == (10000, 28, 28)
    assert data.y_train.shape == (60000,) and data.y_test.shape == (10000,)
    assert np.bincount(data.y_train, minlength=10).min() > 5000
    checks = vision.verify(name, root)
    assert all(c.ok for c in checks)
    assert [c.size for c in checks] == [f.size for f in data.spec.files]


def test_a_runs_limits_apply_before_the_images_are_prepared(monkeypatch):
    """A run's data has only the images it uses prepared (``features``), and gets what preparing
    all of them and keeping the first ones gets."""
    from groundup.core.settings import Settings
    from groundup.experiments import supervised
    from groundup.experiments.mnist_nets import normalise

    rng = np.random.default_rng(0)
    spec = vision.DATASETS["mnist"]
    full = vision.VisionData(rng.integers(0, 256, (50, 28, 28), dtype=np.uint8), rng.integers(0, 10, 50),
                             rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), rng.integers(0, 10, 30),
                             spec, Path("/nowhere"))
    monkeypatch.setattr(supervised.vision, "load", lambda name, data_dir=None: full)
    prepared = []

    def features(images):
        prepared.append(len(images))
        return normalise(images)

    task = supervised.Task(None, lambda settings: supervised.image_data("mnist", settings), vision="mnist",
                           features=features)
    data = supervised.load_data(task, Settings(train_limit=20, test_limit=7))
    assert prepared == [20, 7]
    s = data.split
    assert np.array_equal(s.x_train, normalise(full.x_train)[:20]) and np.array_equal(s.y_train, full.y_train[:20])
    assert np.array_equal(s.x_test, normalise(full.x_test)[:7]) and np.array_equal(s.y_test, full.y_test[:7])
    assert np.array_equal(data.test_images, full.x_test[:7]) and data.dataset == spec.title
    everything = supervised.load_data(task, Settings())
    assert prepared[2:] == [50, 30] and len(everything.test_images) == 30
