"""Extraction on a Dask cluster: `--cluster local:N` starts a local `dask.distributed` cluster of
N worker processes for the run; `--cluster tcp://host:8786` uses a scheduler already running.

Each worker builds the pipeline once (the `PipelineLoader` worker plugin). Documents go out in
batches, a few per worker in flight, and come back in document order: a run on a cluster gives
the same extractions, with the same ids, as one process. A worker that dies mid-batch loses
nothing: the scheduler runs its batches again on another worker.

Example:
    with connect("local:2") as client:
        for extraction in extract_on_cluster(documents, client):
            print(extraction.doc_id, len(extraction.relations))
"""
from __future__ import annotations

import contextlib
import logging
import re
from collections import deque
from itertools import islice
from typing import Iterable, Iterator

from distributed import Client, LocalCluster, WorkerPlugin

from ..errors import ClusterError
from ..models import Document, Extraction

__all__ = ["check_address", "connect", "extract_on_cluster"]

BATCH = 2        # documents per task (small: the workers stay evenly busy to the end)
IN_FLIGHT = 4    # tasks per worker submitted ahead of the one being stored
CONNECT_TIMEOUT = "30s"
_LOCAL = re.compile(r"local:(\d+)")


def check_address(spec: str) -> str:
    """`local:N` (N ≥ 1) or a scheduler address (`tcp://host:port`); anything else is a ClusterError."""
    local = _LOCAL.fullmatch(spec)
    if (local and int(local.group(1)) >= 1) or re.fullmatch(r"(tcp|tls|inproc)://\S+", spec):
        return spec
    raise ClusterError(f"--cluster {spec!r}: give local:N (N worker processes here) or a scheduler "
                      "address such as tcp://10.0.0.5:8786")


@contextlib.contextmanager
def connect(spec: str) -> Iterator[Client]:
    """A client of the cluster `spec` names (see `check_address`); a local cluster lives as long as it."""
    local = _LOCAL.fullmatch(check_address(spec))
    if local is None:
        try:
            client = Client(spec, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise ClusterError(f"--cluster {spec}: no scheduler answers there ({exc})") from exc
        with client:
            yield client
        return
    with LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


class PipelineLoader(WorkerPlugin):
    """Worker plugin: builds the extraction pipeline when a worker starts, once."""

    name = "rivalwatch-pipeline"

    def __init__(self, extra_actors: str | None) -> None:
        self.extra_actors = extra_actors

    def setup(self, worker: object) -> None:
        from .pipeline import build_pipeline
        build_pipeline(self.extra_actors)


def _extract_batch(documents: list[Document], extra_actors: str | None) -> list[Extraction]:
    from .pipeline import extract_documents
    return list(extract_documents(documents, extra_actors=extra_actors))


def extract_on_cluster(documents: Iterable[Document], client: Client, *,
                       extra_actors: str | None = None, batch_size: int = BATCH) -> Iterator[Extraction]:
    """Extract every document on the cluster's workers, in order (see `pipeline.extract_documents`)."""
    client.register_plugin(PipelineLoader(extra_actors), name=PipelineLoader.name)
    workers = max(1, len(client.scheduler_info()["workers"]))
    todo = iter(documents)
    pending: deque = deque()

    def submit() -> None:
        batch = list(islice(todo, batch_size))
        if batch:
            pending.append(client.submit(_extract_batch, batch, extra_actors, pure=False, retries=2))

    for _ in range(workers * IN_FLIGHT):
        submit()
    while pending:
        done = pending.popleft().result()
        submit()
        yield from done
