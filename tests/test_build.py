"""The compiled build (setup.py): what it compiles, that it is current, and that the
pure source does the same.

The modules setup.py lists are compiled by mypyc into extension modules beside their
source (in place, for an editable install).  Python imports the extension first, so
the tests here check what the rest of the suite cannot: that the build happened, that
no source changed after it, the compiled modules' doctests (pytest collects the
source's, which the extension shadows: see conftest.py), and that the same source run
as pure Python, as where no C compiler is at hand, writes the same bytes.
"""

from __future__ import annotations

import ast
import importlib
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from subtools import Cue, Track, Word
from subtools.style import NETFLIX
from subtools.wrap.rules import ENGLISH

from .conftest import ROOT, SLICE

PURE = os.environ.get("SUBTOOLS_PURE") == "1"


def compiled_sources() -> list[Path]:
    """The modules setup.py compiles, as source paths."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name) and target.id == "COMPILED":
                assert node.value is not None
                return [ROOT / p for p in ast.literal_eval(node.value)]
    raise AssertionError("setup.py has no COMPILED list")


def module_name(source: Path) -> str:
    return ".".join(source.relative_to(ROOT).with_suffix("").parts)


def extension(source: Path) -> Path | None:
    found = sorted(source.parent.glob(f"{source.stem}.cpython-*"))
    return found[0] if found else None


@pytest.mark.skipif(PURE, reason="built pure (SUBTOOLS_PURE=1)")
def test_the_listed_modules_are_compiled() -> None:
    # A compile that failed leaves the package pure and the build says so only in its
    # log: this is where it shows.
    for source in compiled_sources():
        module = importlib.import_module(module_name(source))
        assert not str(module.__file__).endswith(".py"), (
            f"{module_name(source)} is not compiled (see the install's log; a build made"
            " pure on purpose is tested with SUBTOOLS_PURE=1 set)"
        )


def test_no_source_changed_after_its_compile() -> None:
    stale = [
        str(source.relative_to(ROOT))
        for source in compiled_sources()
        if (ext := extension(source)) and ext.stat().st_mtime < source.stat().st_mtime
    ]
    assert not stale, f"changed since compiled: {stale}; run pip install -e . again"


@pytest.fixture(scope="module")
def pure_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's source alone, as a build without a C compiler installs it."""
    folder = tmp_path_factory.mktemp("source")
    skip = shutil.ignore_patterns("*.so", "__pycache__")
    shutil.copytree(ROOT / "subtools", folder / "subtools", ignore=skip)
    shutil.copytree(ROOT / "cli", folder / "subtools" / "cli", ignore=skip)
    return folder


DOCTESTS = """
import doctest, importlib, sys
failed = 0
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    assert module.__file__.endswith(".py"), module.__file__
    failed += doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed
sys.exit(failed > 0)
"""


def test_doctests_of_compiled_modules(pure_source: Path, tmp_path: Path) -> None:
    # Run on the pure source: a compiled module's functions are not Python functions,
    # and doctest finds only some of their examples.
    names = [module_name(source) for source in compiled_sources()]
    env = {**os.environ, "PYTHONPATH": str(pure_source)}
    done = subprocess.run(
        [sys.executable, "-c", DOCTESTS, *names],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_frozen_records_pickle() -> None:
    # The process pool sends profiles to its workers and tracks back.
    cue = Cue(0, 1500, "Hello", (Word(0, 400, "Hello"),), identifier="a", settings="line:0")
    track = Track((cue,), source="x.srt", id="7", title="t", language="en", meta={"k": 1})
    for value in (cue.words[0], cue, track, NETFLIX, ENGLISH):
        assert pickle.loads(pickle.dumps(value)) == value
    assert pickle.loads(pickle.dumps(track)).meta == {"k": 1}


def damaged(n: int) -> Track:
    """Cues with overlaps, zero and negative durations, order broken and long lines."""
    rng = random.Random(3)
    words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "watches"]
    cues, at = [], 0
    for _ in range(n):
        at += rng.randint(-800, 2500)
        start = max(0, at)
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        cues.append(Cue(start, start + rng.randint(-200, 6000), text))
    return Track(tuple(cues))


TIMES = """
import sys, numpy as np, subtools.model as m
from subtools import Cue, Word
assert m.__file__.endswith(".py") == (sys.argv[1] == "pure"), m.__file__
cue = Cue(np.int64(5), np.int32(900), "x", (Word(np.int64(5), np.uint16(400), "x"),))
assert (cue.start, cue.end, cue.words[0].end) == (5, 900, 400)
assert {type(cue.start), type(cue.end), type(cue.words[0].start)} == {int}
for bad in (lambda: Cue(0.5, 900, "x"), lambda: Word(0, 1.5, "x")):
    try:
        bad()
    except TypeError:
        continue
    raise AssertionError("a float time was taken")
full = Cue(1, 2, "a", (Word(1, 2, "a"),), identifier="i", settings="line:0")
assert (full.text, full.words, full.identifier, full.settings) == (
    "a", (Word(1, 2, "a"),), "i", "line:0"
)
import dataclasses
for record, name in ((cue, "start"), (cue, "settings"), (cue.words[0], "text")):
    try:
        setattr(record, name, 1)
    except dataclasses.FrozenInstanceError:
        continue
    raise AssertionError(f"{type(record).__name__}.{name} was changed")
"""


@pytest.mark.parametrize("kind", ["pure", "compiled"])
def test_both_builds_make_the_same_frozen_records(
    kind: str, pure_source: Path, tmp_path: Path
) -> None:
    if kind == "compiled" and PURE:
        pytest.skip("built pure (SUBTOOLS_PURE=1)")
    env = {**os.environ, "PYTHONPATH": str(pure_source)} if kind == "pure" else dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-c", TIMES, kind], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr


RUN = (
    "import sys, subtools.wrap.lines as m; "
    "assert m.__file__.endswith('.py') == (sys.argv[1] == 'pure'), m.__file__; "
    "from subtools.cli.main import main; sys.exit(main(sys.argv[2:]))"
)


@pytest.mark.skipif(PURE, reason="built pure (SUBTOOLS_PURE=1): nothing to compare")
def test_the_pure_source_writes_the_same_bytes(pure_source: Path, tmp_path: Path) -> None:
    srt = tmp_path / "damaged.srt"
    damaged(120).save(srt)
    outputs = {}
    for kind in ("pure", "compiled"):
        env = {**os.environ, "PYTHONPATH": str(pure_source)} if kind == "pure" else dict(os.environ)
        out = tmp_path / kind
        out.mkdir()
        # Relative output paths: the report names its output file.
        for args in (
            ["convert", str(SLICE), "--out-dir", "srt", "--to", "srt"],
            ["convert", str(SLICE), "--out-dir", "vtt", "--to", "vtt"],
            ["fix", str(srt), "-o", "fixed.srt", "--report", "report.json"],
        ):
            subprocess.run(
                [sys.executable, "-c", RUN, kind, *args],
                check=True,
                capture_output=True,
                cwd=out,
                env=env,
            )
        outputs[kind] = {
            p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
        }
    assert len(outputs["pure"]) > 3
    assert outputs["pure"] == outputs["compiled"]
