"""The package as users install it: every subpackage listed, the CLI mapped, no top-level cli.

A regular (non-editable) install builds from the package list in pyproject.toml, so a
subpackage missing there is missing for users while an editable install hides it.
"""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def test_every_subpackage_is_in_the_package_list() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "subtools").rglob("__init__.py")
    }
    assert on_disk | {"subtools.cli"} == listed
    assert config["package-dir"] == {"subtools": "subtools", "subtools.cli": "cli"}
    assert (ROOT / "cli" / "__init__.py").exists()
    assert (ROOT / "subtools" / "py.typed").exists()
    assert "subtools" in config["package-data"]
