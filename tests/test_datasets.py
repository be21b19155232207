"""Datasets at scale: JSONL and Parquet read a window at a time, copies with a caption
column, the batch function other engines call, and the run on Dask."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subtools import batch
from subtools.dataset import jsonl_windows, parquet_windows
from subtools.errors import ParseError, UsageError
from subtools.style import get_profile

from .conftest import ROOT, SLICE, dataset_rows, run_cli


def _rows(copies: int = 1) -> list[dict[str, object]]:
    rows = dataset_rows(SLICE) * copies
    return [{**row, "id": f"{row['id']}-{n}"} for n, row in enumerate(rows)]


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _parquet(path: Path, rows: list[dict[str, object]], group: int = 2) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=group)
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_byte_ranges_cover_every_row_once(tmp_path: Path) -> None:
    data = b'{"id": "a"}\n\n{"id": "bb"}\n{"id": "c"}\n\n\n{"id": "dddd"}\n'
    path = tmp_path / "r.jsonl"
    path.write_bytes(data)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.integers(0, len(data)), max_size=6))
    def cover(cuts: list[int]) -> None:
        bounds = [0, *sorted(cuts), len(data)]
        got: list[bytes] = []
        rows = lines = 0
        numbered: list[tuple[int, int]] = []
        for start, end in itertools.pairwise(bounds):
            tally: dict[str, int] = {}
            for w in jsonl_windows(str(path), start=start, end=end, tally=tally):
                got.extend(raw for _, _, raw in w.lines)
                numbered.extend((r + rows, ln + lines) for r, ln, _ in w.lines)
            rows, lines = rows + tally["rows"], lines + tally["lines"]
        assert got == [line + b"\n" for line in data.split(b"\n") if line]
        assert numbered == [(1, 1), (2, 3), (3, 4), (4, 7)]

    cover()


def test_windows_are_bounded_and_numbered_from_the_file_start(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "r.jsonl", _rows(2))
    windows = list(jsonl_windows(str(path), window_bytes=50_000))
    assert len(windows) > 2
    assert [r for w in windows for r, _, _ in w.lines] == list(range(1, 13))
    pwindows = list(parquet_windows(str(_parquet(tmp_path / "r.parquet", _rows(2), group=5))))
    assert pwindows[0].first_row == 1
    assert sum(w.count for w in pwindows) == 12


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
@pytest.mark.parametrize("group", [1, 3, 1000])
def test_parts_of_any_size_write_the_same_files(
    tmp_path: Path, monkeypatch, kind: str, group: int
) -> None:
    """Parts of a few bytes to whole files, on one worker or two, big row groups split
    here or small ones read by the workers: the same names, rows and bytes."""
    rows = _rows(2)
    rows[7]["id"] = rows[2]["id"]  # the same id twice: named in input order
    src = tmp_path / f"r.{kind}"
    _jsonl(src, rows) if kind == "jsonl" else _parquet(src, rows, group=group)
    profile = get_profile("netflix")
    seen = []
    for n, (size, workers) in enumerate([(1 << 30, 1), (1, 1), (20_000, 2), (90_000, 2)]):
        monkeypatch.setattr(batch, "WINDOW_BYTES", size)
        out = tmp_path / f"o{n}"
        done = list(batch.convert_dataset(str(src), str(out), "srt", profile, workers=workers))
        assert [d.row for d in done] == list(range(1, len(rows) + 1))
        assert [Path(d.output or "").parent for d in done] == [out] * len(rows)
        seen.append(_files(out))  # no temp folder left either
    assert all(files == seen[0] for files in seen) and len(seen[0]) == len(rows)


def test_a_big_row_group_is_spread_and_small_ones_are_read_by_the_workers(tmp_path: Path) -> None:
    from subtools.dataset import Partition, Rows, partitions

    one = str(_parquet(tmp_path / "one.parquet", _rows(2), group=1000))
    small = str(_parquet(tmp_path / "small.parquet", _rows(2), group=2))
    size = pq.ParquetFile(one).metadata.row_group(0).total_byte_size // 4
    spread = list(partitions(one, "parquet", size, split_bytes=size, window_bytes=size))
    assert len(spread) > 2 and all(isinstance(p, Rows) for p in spread)
    assert next(p.first_row for p in spread if isinstance(p, Rows)) == 1
    assert len(list(partitions(one, "parquet", size))) == 1  # Dask: never read here
    meta = pq.ParquetFile(small).metadata
    size = max(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups))
    parts = list(partitions(small, "parquet", size, split_bytes=size))
    assert len(parts) > 1 and all(isinstance(p, Partition) for p in parts)
    groups = [g for p in parts if isinstance(p, Partition) for g in p.groups or ()]
    assert groups == list(range(meta.num_row_groups))
    firsts = [p.first_row for p in parts if isinstance(p, Partition)]
    assert firsts == [1 + 2 * (p.groups or range(0))[0] for p in parts if isinstance(p, Partition)]


def test_no_rows_leave_no_folder(tmp_path: Path) -> None:
    src = tmp_path / "empty.jsonl"
    src.write_text("\n")
    assert list(batch.convert_dataset(str(src), str(tmp_path / "o"), "srt", None)) == []
    assert not (tmp_path / "o").exists()
    for missing in ("gone.jsonl", "gone.parquet"):
        with pytest.raises(ParseError, match="cannot read"):
            list(batch.convert_dataset(str(tmp_path / missing), str(tmp_path / "o"), "srt"))
        assert not (tmp_path / "o").exists()
    (tmp_path / "o").mkdir()  # a folder there before keeps no temp folder either
    with pytest.raises(ParseError):
        list(batch.convert_dataset(str(tmp_path / "gone.jsonl"), str(tmp_path / "o"), "srt"))
    assert list((tmp_path / "o").iterdir()) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_parquet_converts_as_the_same_rows_in_jsonl(tmp_path: Path, workers: int) -> None:
    rows = _rows()
    jsonl, parquet = _jsonl(tmp_path / "r.jsonl", rows), _parquet(tmp_path / "r.parquet", rows)
    profile = get_profile("netflix")
    for src, out in ((jsonl, "a"), (parquet, "b")):
        done = list(
            batch.convert_dataset(str(src), str(tmp_path / out), "vtt", profile, workers=workers)
        )
        assert [d.row for d in done] == list(range(1, len(rows) + 1))
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert len(_files(tmp_path / "a")) == len(rows)


def test_a_dataset_saved_by_datasets_converts(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    rows = _rows()
    path = tmp_path / "hf.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(path))
    res = run_cli("convert", str(path), "--out-dir", str(tmp_path / "hf"), "--to", "srt")
    assert res.code == 0, res.err
    res = run_cli(
        "convert",
        str(_jsonl(tmp_path / "r.jsonl", rows)),
        "--out-dir",
        str(tmp_path / "js"),
        "--to",
        "srt",
    )
    assert res.code == 0, res.err
    assert _files(tmp_path / "hf") == _files(tmp_path / "js")


def test_parquet_copy_keeps_every_column_and_adds_the_captions(tmp_path: Path) -> None:
    rows = _rows()
    src = _parquet(tmp_path / "r.parquet", rows)
    out = tmp_path / "captions.parquet"
    res = run_cli("convert", str(src), "-o", str(out), "--to", "vtt")
    assert res.code == 0, res.err
    before, after = pq.read_table(src), pq.read_table(out)
    assert after.column_names == [*before.column_names, "captions"]
    for name in before.column_names:
        assert after.column(name).equals(before.column(name)), name
    one = run_cli("convert", str(src), "--id", str(rows[1]["id"]), "--to", "vtt")
    assert after.column("captions")[1].as_py() == one.out


def test_jsonl_copy_keeps_every_byte_of_the_rows(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _rows()]
    lines[2] = lines[2].replace('"segments"', '"segments" ')  # spacing is kept as it was
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "captions.jsonl"
    res = run_cli("convert", str(src), "-o", str(out), "--to", "srt", "--column", "srt")
    assert res.code == 0, res.err
    copied = out.read_text(encoding="utf-8").splitlines()
    assert len(copied) == len(lines)
    for line, copy in zip(lines, copied, strict=True):
        assert copy.startswith(line[:-1] + ', "srt": "1\\n00:00:')
        assert json.loads(copy)["srt"].startswith("1\n")


def test_a_copy_never_replaces_a_column(tmp_path: Path) -> None:
    src = _parquet(tmp_path / "r.parquet", _rows())
    res = run_cli(
        "convert", str(src), "-o", str(tmp_path / "c.parquet"), "--to", "vtt", "--column", "title"
    )
    assert res.code == 2 and "already has a column 'title'" in res.err
    jsrc = _jsonl(tmp_path / "r.jsonl", _rows())
    res = run_cli(
        "convert", str(jsrc), "-o", str(tmp_path / "c.jsonl"), "--to", "vtt", "--column", "channel"
    )
    assert res.code == 2 and "already has a column 'channel'" in res.err
    assert not (tmp_path / "c.jsonl").exists() and not (tmp_path / "c.parquet").exists()


def test_a_lenient_copy_leaves_bad_rows_without_captions(tmp_path: Path) -> None:
    rows = _rows()
    rows[1]["segments"] = "none"
    src = _jsonl(tmp_path / "r.jsonl", rows)
    out = tmp_path / "c.jsonl"
    res = run_cli("convert", str(src), "-o", str(out), "--to", "vtt", "--lenient")
    assert res.code == 0, res.err
    assert "row 2" in res.err and "skipped 1 bad item" in res.err
    copied = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [c["captions"] is None for c in copied] == [n == 1 for n in range(len(rows))]


def test_the_batch_function_with_columns_and_arrow_tables() -> None:
    rows = _rows()[:3]
    columns = {"id": [r["id"] for r in rows], "segments": [r["segments"] for r in rows]}
    got = batch.caption_batch(columns, to="vtt")
    assert set(columns) == {"id", "segments"}  # the input is left as it was
    table = batch.caption_batch(pa.Table.from_pylist(rows), to="vtt")
    assert table.column("captions").to_pylist() == got["captions"]
    one = batch.convert_dataset(str(SLICE), None, "vtt", get_profile("netflix"))
    assert got["captions"] == [d.text for d in one][:3]
    with pytest.raises(ParseError, match="row 1"):
        batch.caption_batch({"segments": [[{"start": "soon", "end": 1.0, "text": "x"}]]})
    with pytest.raises(UsageError):
        batch.caption_batch({**columns, "captions": [None] * 3})


def test_the_datasets_example_runs(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    proc = subprocess.run(
        [sys.executable, "examples/datasets_map.py", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")},
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 rows" in proc.stdout


def test_jsonl_out_dir_imports_no_pyarrow_or_dask(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from subtools.cli import main as m\n"
        f"m.main(['convert', {str(SLICE)!r}, '--out-dir', {str(tmp_path)!r}])\n"
        "print([x for x in ('pyarrow', 'dask', 'distributed') if x in sys.modules])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers in /proc")
def test_a_killed_worker_is_one_line_and_exit_1(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "big.jsonl", _rows(40))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "subtools",
            "convert",
            str(src),
            "--out-dir",
            str(tmp_path / "o"),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    children: list[int] = []
    deadline = time.monotonic() + 60
    while not children and proc.poll() is None and time.monotonic() < deadline:
        try:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as fh:
                children = [int(p) for p in fh.read().split()]
        except OSError:
            break
        time.sleep(0.02)
    assert children, "no worker process seen"
    os.kill(children[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)  # a hang fails here
    assert proc.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "worker process died" in lines[0], lines


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


def _local_and_dask(
    src: Path, tmp_path: Path, scheduler: str
) -> tuple[list[batch.Outcome], list[batch.Outcome]]:
    """The dataset converted locally to ``tmp_path/l`` and on Dask to ``tmp_path/d``."""
    profile = get_profile("netflix")
    local = list(batch.convert_dataset(str(src), str(tmp_path / "l"), "srt", profile))
    remote = batch.convert_dataset(
        str(src), str(tmp_path / "d"), "srt", profile, engine="dask", scheduler=scheduler
    )
    return local, list(remote)


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_dask_writes_the_same_files_as_a_local_run(
    tmp_path: Path, cluster, monkeypatch, kind: str
) -> None:
    from subtools import cluster as on_dask
    from subtools.dataset import dataset_size, partitions

    monkeypatch.setattr(on_dask, "MIN_PART_BYTES", 1)  # several partitions of a small file
    rows = _rows(2)
    rows[5]["id"] = rows[1]["id"]  # the same id twice: named in input order
    src = (_jsonl if kind == "jsonl" else _parquet)(tmp_path / f"r.{kind}", rows)
    assert len(list(partitions(str(src), kind, dataset_size(str(src), kind) // 16))) > 2
    local, remote = _local_and_dask(src, tmp_path, cluster.scheduler_address)
    assert [(d.row, d.id, Path(d.output or "").name) for d in remote] == [
        (d.row, d.id, Path(d.output or "").name) for d in local
    ]
    assert _files(tmp_path / "d") == _files(tmp_path / "l")  # no temp folder left either


def test_dask_errors_name_the_row_in_the_whole_file(tmp_path: Path, cluster, monkeypatch) -> None:
    from subtools import cluster as on_dask

    monkeypatch.setattr(on_dask, "MIN_PART_BYTES", 1)
    rows = _rows(2)
    rows[9]["segments"] = [{"start": "soon", "end": 1.0, "text": "x"}]
    src = _jsonl(tmp_path / "r.jsonl", rows)
    local, remote = _local_and_dask(src, tmp_path, cluster.scheduler_address)
    assert isinstance(remote[-1], batch.Failed) and isinstance(local[-1], batch.Failed)
    assert str(remote[-1].error) == str(local[-1].error)
    assert "row 10" in str(local[-1].error)
    assert _files(tmp_path / "d") == _files(tmp_path / "l")


def test_dask_from_the_command_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    src = _parquet(tmp_path / "r.parquet", _rows())
    res = run_cli("convert", str(src), "--out-dir", str(tmp_path / "d"), "--engine", "dask")
    assert res.code == 0, res.err
    assert res.err.strip().endswith(f"wrote 6 files to {tmp_path / 'd'}")
    assert run_cli("convert", str(src), "--out-dir", str(tmp_path / "l")).code == 0
    assert _files(tmp_path / "d") == _files(tmp_path / "l")
