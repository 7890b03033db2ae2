"""A real RivalWatch server for tests: uvicorn in a thread on 127.0.0.1 and a free port.

Example:
    with running_server(db_path) as base_url:
        httpx.get(f"{base_url}/api/health")
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import uvicorn

from rivalwatch.web import create_app


@contextmanager
def running_server(db: Path, **options: object) -> Iterator[str]:
    """Serve `create_app(db, **options)` until the block ends; yields the base URL."""
    app = create_app(db, **options)  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
