"""A dataset's parts converted on a Dask cluster (``pip install 'subtools[dask]'``).

The dataset is cut into partitions that no process needs to read whole: runs of Parquet
row groups, or byte ranges of a JSONL file (a row belongs to the range its first byte is
in).  Each worker reads its partition a window at a time and writes each row's file to
a temp folder under the output folder, as a local worker does
(:func:`~subtools.batch.write_dataset`); the client renames the files into place.  So
the output folder must be on a file system the workers and the client share (any
folder, for a local cluster).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from typing import Any

from .dataset import Partition, Rows, dataset_size, partitions
from .errors import UsageError

#: Partitions per worker: enough that the last ones finish close together.
PARTS_PER_WORKER = 16
#: No partition smaller than this: a task has a fixed cost on the cluster.
MIN_PART_BYTES = 1 << 20


#: Settings of the local cluster a run starts for itself (its workers get them from
#: their nannies), where nobody watches: no statistical profiler sampling each task every
#: 10 ms, event-loop and system checks every second instead of every 20 and 500 ms, and
#: the memory monitor (which still pauses or restarts a worker near its limit) every
#: second.  With Dask's defaults a run of 2,000 rows took 4 % longer on two cores.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def local_cluster() -> Any:
    """The local cluster a run without a scheduler starts for itself: one worker process
    a core, one thread each, no dashboard, :data:`LOCAL_CLUSTER_CONFIG` (Dask's other
    settings, such as how its workers are started, as configured)."""
    import distributed
    from dask import config

    dask: Any = distributed  # (untyped)
    with config.set(LOCAL_CLUSTER_CONFIG):
        return dask.LocalCluster(
            n_workers=os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )


def map_on_dask(
    work: Callable[[Partition | Rows], Any],
    path: str,
    kind: str,
    scheduler: str | None,
    *,
    encoding: str | None = None,
    columns: list[str] | None = None,
) -> Generator[tuple[Partition | Rows, Any], None, None]:
    """``(partition, work(partition))`` for each partition of the dataset, in order,
    each run on the cluster at ``scheduler`` (None: a local cluster of processes, one
    a core).  Closing it early cancels what has not run."""
    try:
        import distributed
    except ImportError:
        raise UsageError("the Dask engine needs Dask: pip install 'subtools[dask]'") from None
    dask: Any = distributed  # (untyped)
    cluster: Any = local_cluster() if scheduler is None else None
    client: Any = None
    futures: list[Any] = []
    try:
        client = dask.Client(cluster if cluster is not None else scheduler)
        workers = max(1, sum(client.nthreads().values()))
        size = max(MIN_PART_BYTES, dataset_size(path, kind) // (workers * PARTS_PER_WORKER))
        parts = list(partitions(path, kind, size, encoding=encoding, columns=columns))
        futures = client.map(work, parts, pure=False)
        for part, future in zip(parts, futures, strict=True):
            yield part, future.result()
    finally:
        if client is not None:
            client.cancel(futures)
            client.close()
        if cluster is not None:
            cluster.close()
