"""The web front door: `create_app(db)` serves the JSON API (/api), its docs (/docs) and the dashboard.

Like the CLI, it is a thin adapter over one `Workspace`: routes check the caller's
token and call one method each. See `app.py`.
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
