"""Collection for the whole tree (pytest reads this before tests/ and subtools/)."""

from __future__ import annotations

from pathlib import Path


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Leave out the source of a module compiled beside it (setup.py): Python imports the
    extension, which --doctest-modules cannot read; tests/test_build.py runs those
    doctests from the source."""
    if collection_path.suffix == ".py" and any(
        collection_path.parent.glob(f"{collection_path.stem}.cpython-*")
    ):
        return True
    return None
