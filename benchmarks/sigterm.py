"""Temp files left behind by SIGTERM: `convert --out-dir` stopped at random moments.

    python benchmarks/sigterm.py [--runs 20]

Each run starts ``subtools convert transcripts.jsonl --out-dir D --to srt`` (wrap and
repair on every core, one output file per row), sends SIGTERM after a random delay
within the run's length, and counts the hidden temp files left in D.  Goal: none.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, TRANSCRIPTS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    src = (
        TRANSCRIPTS if TRANSCRIPTS.exists() else ROOT / "tests" / "data" / "transcripts-slice.jsonl"
    )
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "subtools", "convert", str(src), "--to", "srt"]
        began = time.perf_counter()
        subprocess.run([*cmd, "--out-dir", f"{tmp}/whole"], check=True, capture_output=True)
        whole = time.perf_counter() - began
        left = 0
        codes: Counter[int] = Counter()
        outputs = []
        for run in range(args.runs):
            out = Path(tmp) / f"run{run}"
            proc = subprocess.Popen(
                [*cmd, "--out-dir", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            time.sleep(rng.uniform(0.05, whole))
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
            codes[proc.returncode] += 1
            if b"Traceback" in err:
                print(f"run {run}: a traceback\n{err.decode()}")
            temps = [p for p in out.glob(".*") if p.is_file()] if out.exists() else []
            left += len(temps)
            outputs.append(len(list(out.glob("*.srt"))) if out.exists() else 0)
    print(f"{src.name}: a whole run takes {whole:.2f} s; {args.runs} runs stopped by SIGTERM")
    print(f"exit statuses: {dict(sorted(codes.items()))}")
    print(f"outputs written before the signal: {outputs}")
    print(f"temp files left: {left} (goal: 0)")


if __name__ == "__main__":
    main()
