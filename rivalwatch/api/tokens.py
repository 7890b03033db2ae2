"""API tokens: named, with a role, shown once, stored only as a salted hash.

A token reads `rwt_<key id>_<secret>`. The key id (public) finds the row; the
secret (32 random bytes) is checked against sha256(salt + secret) with a
constant-time comparison. The secret is long and random, so a fast hash is safe
here (no dictionary to guess from), and checking stays far below a millisecond.

Roles, each able to do what the one before it can:

| role    | may                                                        |
| ---     | ---                                                        |
| viewer  | read every /api route                                      |
| analyst | also curate: confirm, reject, correct relations; merge actors; add aliases |
| admin   | also create, list and revoke tokens                        |

Example:
    token, secret = ws.create_token(name="alice", role="analyst")   # print `secret` once
    ws.authenticate(secret).role                                    # "analyst"
    ws.revoke_token("alice")
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from ..errors import AuthError, ConflictError, NotFoundError, QueryError
from ..models import ROLES
from ..store import schema as s
from ..store.curation import record_audit

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["ROLES", "TokenInfo", "TokensMixin", "role_allows"]

_PREFIX = "rwt_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_TOKEN = re.compile(r"^rwt_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


def role_allows(role: str, needed: str) -> bool:
    """True when `role` is `needed` or above it (viewer < analyst < admin)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256((salt + secret).encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never its secret."""

    name: str
    role: str
    created_at: _dt.datetime
    revoked_at: _dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "active": self.active,
                "created_at": self.created_at.isoformat(timespec="seconds") + "Z",
                "revoked_at": self.revoked_at.isoformat(timespec="seconds") + "Z" if self.revoked_at else None}


def _info(row: Any) -> TokenInfo:
    return TokenInfo(name=row.name, role=row.role, created_at=row.created_at, revoked_at=row.revoked_at)


class TokensMixin:
    """Token management and authentication (mixed into `Workspace`)."""

    store: "Store"

    def create_token(self, *, name: str, role: str, by: str = "cli") -> tuple[TokenInfo, str]:
        """A new token named `name` with `role`; returns it and its secret, which is not kept (show it once).

        Example:
            info, secret = ws.create_token(name="alice", role="analyst")
        """
        if not _NAME.match(name or ""):
            raise QueryError(f"invalid token name {name!r}: 1-64 letters, digits, '.', '_', '@' or '-'")
        if role not in ROLES:
            raise QueryError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        t = s.api_tokens
        key_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
        with self.store.writer.begin() as conn:
            if conn.execute(select(t.c.id).where(t.c.name == name)).first() is not None:
                raise ConflictError(f"a token named {name!r} exists: revoke it first or choose another name")
            now = _now()
            conn.execute(t.insert().values(name=name, key_id=key_id, role=role, salt=salt, hash=_hash(salt, secret),
                                           created_at=now))
            record_audit(conn, who=by, action="token.create", subject=name, before=None,
                         after={"name": name, "role": role})
        return TokenInfo(name=name, role=role, created_at=now), f"{_PREFIX}{key_id}_{secret}"

    def tokens(self) -> list[TokenInfo]:
        """Every token, active and revoked, oldest first (never a secret).

        Example:
            [(t.name, t.role, t.active) for t in ws.tokens()]
        """
        t = s.api_tokens
        with self.store.engine.connect() as conn:
            return [_info(row) for row in conn.execute(select(t).order_by(t.c.id))]

    def revoke_token(self, name: str, *, by: str = "cli") -> TokenInfo:
        """Revoke the token named `name`: it stops working at once. The row stays, for the audit trail.

        Example:
            ws.revoke_token("alice").revoked_at
        """
        t = s.api_tokens
        with self.store.writer.begin() as conn:
            row = conn.execute(select(t).where(t.c.name == name)).first()
            if row is None:
                raise NotFoundError(f"no token named {name!r}: list them with `rivalwatch token list`")
            if row.revoked_at is None:
                conn.execute(update(t).where(t.c.id == row.id).values(revoked_at=_now()))
                record_audit(conn, who=by, action="token.revoke", subject=name, before={"role": row.role,
                             "active": True}, after={"role": row.role, "active": False})
            row = conn.execute(select(t).where(t.c.id == row.id)).first()
        return _info(row)

    def authenticate(self, token: str) -> TokenInfo:
        """The active token this secret belongs to; `AuthError` when it is malformed, unknown or revoked.

        Example:
            ws.authenticate(request_token).role
        """
        match = _TOKEN.match(token or "")
        if match is None:
            raise AuthError("malformed token: send `Authorization: Bearer rwt_...` as `rivalwatch token create` printed it")
        key_id, secret = match.groups()
        t = s.api_tokens
        with self.store.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.key_id == key_id)).first()
        if row is None or not hmac.compare_digest(row.hash, _hash(row.salt, secret)):
            raise AuthError("unknown token: create one with `rivalwatch token create --name NAME --role viewer`")
        if row.revoked_at is not None:
            raise AuthError(f"token {row.name!r} was revoked: ask an admin for a new one")
        return _info(row)
