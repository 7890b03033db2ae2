"""The `rivalwatch` command line: `base` holds the group and shared options; each
module registers its commands on it (one thin command per `Workspace` method)."""
from __future__ import annotations

from . import core  # noqa: F401  (registers the commands)
from . import network  # noqa: F401  (network, import relationships)
from . import records  # noqa: F401  (claims, defections, media, places)
from . import narratives  # noqa: F401  (narratives, brief)
from .base import main

__all__ = ["main"]
