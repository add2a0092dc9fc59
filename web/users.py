"""Users, sessions and the audit log of the web workspace, in one SQLite file.

The file lives beside the graph database (``zhaoshang.db`` → ``zhaoshang.db.users``,
see :func:`users_path`) so that an office backs up one folder. Tables:

``users(name, role, hash, created)``
    ``hash`` is an argon2id hash (argon2-cffi's defaults); no password is stored.
``sessions(token_hash, user, csrf, created, seen)``
    The browser holds the token in an HttpOnly cookie; the file holds its SHA-256
    only, so a copy of the file opens no session.
``audit(id, at, user, action, detail)``
    Who did what and when: logins, uploads, exports (append-only).

Every call opens its own short connection (the server's threads share nothing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graph.errors import UsageError

#: The roles, weakest first. Viewers never see people's names or private ties.
ROLES = ("viewer", "officer", "admin")
ROLE_NAMES = {"viewer": "查看", "officer": "招商专员", "admin": "管理员"}
#: A session ends after this long without a request.
SESSION_IDLE = dt.timedelta(hours=8)
#: Shortest password ``user add`` accepts.
MIN_PASSWORD = 8

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL,
    created TEXT NOT NULL, seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL
);
"""
_hasher = PasswordHasher()


def users_path(graph: Path) -> Path:
    """The users file of a graph database: ``zhaoshang.db`` → ``zhaoshang.db.users``."""
    return graph.with_name(graph.name + ".users")


@dataclass(frozen=True)
class User:
    """A signed-in user with the CSRF token of the session."""

    name: str
    role: str
    csrf: str = ""

    @property
    def sees_private(self) -> bool:
        """Officers and admins see people's names and private ties; viewers never."""
        return self.role in ("officer", "admin")

    @property
    def can_upload(self) -> bool:
        """Officers and admins may load tables into the graph."""
        return self.role in ("officer", "admin")

    @property
    def role_name(self) -> str:
        """The role in Chinese (查看, 招商专员, 管理员)."""
        return ROLE_NAMES[self.role]


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: str
    user: str
    action: str
    detail: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserStore:
    """Users, sessions and audit log of one graph (see the module notes).

    Parameters
    ----------
    path : Path
        The users file (created with its tables when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30.0)
        try:
            with conn:  # one transaction, committed on success
                yield conn
        finally:
            conn.close()

    # -- users ------------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str) -> None:
        """Create a user, or set the role and password of an existing one.

        Parameters
        ----------
        name : str
            Login name (non-empty, at most 64 characters).
        role : {"viewer", "officer", "admin"}
        password : str
            At least :data:`MIN_PASSWORD` characters; stored as an argon2id hash.

        Raises
        ------
        UsageError
            When the name, role or password is not acceptable.
        """
        name = name.strip()
        if not name or len(name) > 64:
            raise UsageError("用户名不能为空，且不超过 64 个字符")
        if role not in ROLES:
            raise UsageError(f"没有角色 {role}", list(ROLES))
        if len(password) < MIN_PASSWORD:
            raise UsageError(f"密码至少 {MIN_PASSWORD} 个字符")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO users (name, role, hash, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET role = excluded.role, hash = excluded.hash",
                (name, role, _hasher.hash(password), _now().isoformat()),
            )
            conn.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def users(self) -> list[tuple[str, str]]:
        """``(name, role)`` of every user, by name."""
        with self._connect() as conn:
            return list(conn.execute("SELECT name, role FROM users ORDER BY name"))

    def check_password(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else None (unknown names cost the same)."""
        with self._connect() as conn:
            row = conn.execute("SELECT role, hash FROM users WHERE name = ?", (name,)).fetchone()
        stored = row[1] if row else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(name, row[0]) if row else None

    # -- sessions ---------------------------------------------------------------------
    def open_session(self, user: User) -> str:
        """Start a session; returns the token for the cookie (shown once, never stored)."""
        token = secrets.token_urlsafe(32)
        now = _now().isoformat()
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO sessions (token_hash, user, csrf, created, seen) "
                "VALUES (?, ?, ?, ?, ?)",
                (_digest(token), user.name, secrets.token_urlsafe(32), now, now),
            )
        return token

    def session_user(self, token: str) -> User | None:
        """The user of a live session (its idle clock restarted), or None."""
        if not token:
            return None
        now = _now()
        with self._connect() as conn:
            row = conn.execute(
                "SELECT u.name, u.role, s.csrf, s.seen FROM sessions s "
                "JOIN users u ON u.name = s.user WHERE s.token_hash = ?",
                (_digest(token),),
            ).fetchone()
            if row is None:
                return None
            if now - dt.datetime.fromisoformat(row[3]) > SESSION_IDLE:
                conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
                return None
            conn.execute(
                "UPDATE sessions SET seen = ? WHERE token_hash = ?",
                (now.isoformat(), _digest(token)),
            )
        return User(row[0], row[1], row[2])

    def close_session(self, token: str) -> None:
        """End a session (log out)."""
        with self._connect() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))

    # -- audit ------------------------------------------------------------------------
    def audit(self, user: str, action: str, detail: str) -> None:
        """Append one line to the audit log (UTC time)."""
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
                (_now().isoformat(timespec="seconds"), user, action, detail),
            )

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """The latest ``limit`` lines of the audit log, newest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT at, user, action, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
            )
            return [AuditEntry(*r) for r in rows]


#: Verified against when the name is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
