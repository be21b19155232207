"""The build's one step that pyproject.toml cannot say: the modules every row of a
dataset goes through, compiled by mypyc from the same source.

Compiled, they take about half the CPU (see "Compiled modules" in
benchmarks/README.md).  The compile is optional: where it cannot run (no C compiler,
no Python headers) or with ``SUBTOOLS_PURE=1`` in the environment, the package is
built and installed as pure Python, which behaves the same.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: Reading segments, wrapping, repair and writing SRT: the work per row.
COMPILED = [
    "subtools/changes.py",
    "subtools/dedupe.py",
    "subtools/formats/cuetext.py",
    "subtools/formats/json_segments.py",
    "subtools/formats/srt.py",
    "subtools/model.py",
    "subtools/repair.py",
    "subtools/style.py",
    "subtools/timecode.py",
    "subtools/wrap/cues.py",
    "subtools/wrap/lines.py",
    "subtools/wrap/rules.py",
]


class OptionalBuildExt(build_ext):  # type: ignore[misc]  # setuptools is untyped here
    """Compiles the modules, or leaves all of them pure: a compiled module whose
    shared runtime failed to build would not import."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any compiler or linker failure: the package stays pure
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.warn(f"subtools: compiling with mypyc failed ({exc}); installing pure Python")


#: The setuptools commands that build modules; the others (metadata) need no compile,
#: and mypyc type-checks and generates C as soon as it is called.
BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def ext_modules() -> list[Any]:
    if os.environ.get("SUBTOOLS_PURE") == "1" or not BUILDS & set(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    return list(mypycify(COMPILED, opt_level="3", group_name="subtools"))


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
