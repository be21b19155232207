"""The README's layout table names only paths that exist."""

from __future__ import annotations

import re

from .conftest import ROOT

_PATH = re.compile(r"`([\w./-]+(?:/|\.py|\.md))`")


def layout_rows() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:3] for line in table.splitlines() if line.startswith("| `")]
    return [(where.strip(), what.strip()) for where, what in rows]


def test_every_path_in_the_layout_table_exists() -> None:
    rows = layout_rows()
    assert len(rows) > 5
    for where, what in rows:
        first, *siblings = _PATH.findall(where)
        base = ROOT / first
        assert base.exists(), first
        folder = base if first.endswith("/") else base.parent
        for name in siblings:
            assert (folder / name).exists(), (where, name)
        for name in _PATH.findall(what):
            # A name in the description is in the row's folder, or given from its parent.
            assert (folder / name).exists() or (folder.parent / name).exists(), (where, name)
