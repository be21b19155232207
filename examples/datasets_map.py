"""Captions for every row of a Parquet dataset with Hugging Face ``datasets``.

Usage: python examples/datasets_map.py [WORK_DIR]

Writes the example dataset as Parquet (as ``datasets`` would hold a dataset of
transcripts), loads it with ``datasets`` from the local file (no hub), adds a WebVTT
caption column on two processes with ``Dataset.map(batched=True, num_proc=2)``, and
saves the result as Parquet.  Ray Data's ``map_batches`` takes the same function.
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from subtools.batch import caption_batch

HERE = Path(__file__).resolve().parent


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    rows = [json.loads(line) for line in (HERE / "transcripts.jsonl").open(encoding="utf-8")]
    source = work / "transcripts.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)

    talks = datasets.load_dataset("parquet", data_files=str(source), split="train")
    captioned = talks.map(
        partial(caption_batch, to="vtt", profile="netflix"), batched=True, batch_size=2, num_proc=2
    )
    captioned.to_parquet(str(work / "captioned.parquet"))

    first = captioned[0]
    print(f"{captioned.num_rows} rows, columns: {', '.join(captioned.column_names)}")
    print(f"{first['id']}: {first['captions'].count(' --> ')} cues")
    print(first["captions"][:120])


if __name__ == "__main__":
    main()
