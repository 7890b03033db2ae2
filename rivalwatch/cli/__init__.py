"""The `rivalwatch` command line: `base` holds the group and shared options; each
module registers its commands on it (one thin command per `Workspace` method)."""
from __future__ import annotations

from . import core  # noqa: F401  (registers the commands)
from . import network  # noqa: F401  (network, import relationships)
from . import records  # noqa: F401  (claims, defections, media, places)
from . import narratives  # noqa: F401  (narratives, brief)
from . import feeds  # noqa: F401  (feeds ingest, feeds list, watch)
from . import exchange  # noqa: F401  (import acled/gtd/ucdp, export, events)
from . import telegram  # noqa: F401  (import telegram)
from . import languages  # noqa: F401  (languages)
from . import dyads  # noqa: F401  (dyad, alerts)
from . import serve  # noqa: F401  (serve, token create/list/revoke)
from .base import main

__all__ = ["main"]
