"""What a Dask run costs beyond its work: the phases of `convert --engine dask`'s own
local cluster, each timed in a fresh process, against the local pool's start.

    python benchmarks/dask_start.py [--repeat N] [--idle SECONDS] [--tasks N]

Each repeat runs one fresh process that imports `distributed`, starts the local
cluster as `--engine dask` does (the same settings: `subtools.cluster`), has each worker
import what a part's task needs, measures the cluster at rest (CPU seconds per second
of the client process, where the scheduler and the nannies run, and of the workers),
runs ``--tasks`` tasks of work (the shared dataset converted with the default recipe
and written; the CPU time of the thread that runs each), and closes the cluster.  Beside
it, a fresh process loads the same modules (as the command does before its pool forks),
starts and closes the local pool (`subtools.parallel`) around one trivial job, then runs
the same tasks on a pool.  Times are medians.  Dask's own settings apply, as in a run:
``DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD=fork`` measures its `fork` start.

What it tells: a Dask run takes the pool's time plus at least these fixed costs, so
Dask ÷ pool at a given size is at least ``1 + fixed / pool time``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from typing import Any

from _common import TRANSCRIPTS, compile_project, need

#: One task's work, as a worker does it: the dataset read, converted with the default
#: recipe and written, a row a file, in the calling thread; its CPU seconds.
WORK = """
def work(path):
    import tempfile, time
    from subtools.batch import Recipe, write_dataset
    from subtools.style import get_profile
    with tempfile.TemporaryDirectory() as out:
        cpu = time.thread_time()
        for _ in write_dataset(path, "jsonl", out, Recipe("srt", get_profile("netflix"))):
            pass
        return time.thread_time() - cpu
"""

DASK = (
    WORK
    + """
import json, os, sys, time
t0 = time.perf_counter()
def cpu(pid):
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
def load():
    import subtools.batch, subtools.pipeline
def main():
    import distributed
    from subtools.cluster import local_cluster
    t1 = time.perf_counter()
    cluster = local_cluster()  # as --engine dask starts it
    client = distributed.Client(cluster)
    t2 = time.perf_counter()
    client.run(load)  # what each worker's first task imports
    t3 = time.perf_counter()
    pids = [os.getpid(), *client.run(os.getpid).values()]
    before = [cpu(p) for p in pids]
    time.sleep(float(sys.argv[1]))
    idle = [(cpu(p) - b) / float(sys.argv[1]) for p, b in zip(pids, before)]
    tasks = client.gather(client.map(work, [sys.argv[2]] * int(sys.argv[3]), pure=False))
    t4 = time.perf_counter()
    client.close()
    cluster.close()
    t5 = time.perf_counter()
    print(json.dumps({"import distributed": t1 - t0, "cluster start": t2 - t1,
                      "workers load subtools": t3 - t2, "close": t5 - t4,
                      "idle client": idle[0], "idle workers": sum(idle[1:]), "tasks": tasks}))
if __name__ == "__main__":
    main()
"""
)

POOL = (
    WORK
    + """
import json, sys, time
t0 = time.perf_counter()
from subtools.parallel import ordered_map
import subtools.batch, subtools.pipeline  # as the command loads them before it forks
def main():
    list(ordered_map(abs, [-1, -2], workers=2))
    fixed = time.perf_counter() - t0
    tasks = [cpu for _, cpu in ordered_map(work, [sys.argv[1]] * int(sys.argv[2]), workers=2)]
    print(json.dumps({"start, one job, close": fixed, "tasks": tasks}))
if __name__ == "__main__":
    main()
"""
)


def _run(script: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    ).stdout
    got: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--idle", type=float, default=3.0, help="seconds at rest measured")
    ap.add_argument("--tasks", type=int, default=6, help="tasks of work a run")
    args = ap.parse_args()
    compile_project()
    data = str(need(TRANSCRIPTS))
    dask: list[dict[str, Any]] = []
    pool: list[dict[str, Any]] = []
    for _ in range(args.repeat):  # in turns, so that load hits both alike
        dask.append(_run(DASK, str(args.idle), data, str(args.tasks)))
        pool.append(_run(POOL, data, str(args.tasks)))

    def median(runs: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    def task_cpu(runs: list[dict[str, Any]]) -> float:
        return float(statistics.median(cpu for r in runs for cpu in r["tasks"]))

    print(f"median of {args.repeat}, seconds")
    fixed = 0.0
    for key in ("import distributed", "cluster start", "workers load subtools", "close"):
        fixed += median(dask, key)
        print(f"  Dask {key:<22} {median(dask, key):6.3f}")
    pool_fixed = median(pool, "start, one job, close")
    print(f"  Dask fixed cost            {fixed:6.3f}")
    print(f"  pool: load subtools, start, one job, close {pool_fixed:6.3f}")
    extra = fixed - pool_fixed
    print(f"Dask's fixed cost beyond the pool's: {extra:.2f} s")
    for key in ("idle client", "idle workers"):
        print(f"  at rest, {key}: {median(dask, key):.3f} CPU-s per s")
    on_dask, on_pool = task_cpu(dask), task_cpu(pool)
    print(
        f"one task's CPU (the dataset converted and written, median of "
        f"{args.repeat * args.tasks}): Dask worker {on_dask:.3f} s, pool worker "
        f"{on_pool:.3f} s, ratio {on_dask / on_pool:.3f}"
    )
    print(
        f"Dask ÷ pool ≤ 1.3 needs the pool's run to take at least {extra / 0.3:.1f} s "
        "(fixed cost ÷ 0.3), were the work no slower on Dask"
    )


if __name__ == "__main__":
    main()
