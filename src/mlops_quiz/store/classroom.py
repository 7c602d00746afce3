"""A class on PostgreSQL: its role groups, the row-level security that keeps every learner to
their own rows, learners' logins, and the bank the teacher publishes.

The security is the server's, not ours: each table with a ``profile`` column has row-level
security with a policy that lets the learner group read and write only rows whose ``profile``
is the login (``current_user``), and one that lets the teacher group read every row. Learners
get no right to create anything, to write the published bank, or to make roles. Our own checks
(the profile is the login) only give a clear message before the server would refuse.

Role names are cluster-wide, so the two groups are named after the database's OID
(``mlops_quiz_<oid>_learners``, ``mlops_quiz_<oid>_teachers``), which no two databases share,
and carry a comment naming the class's own random id (recorded in ``class_info``): ``init``
refuses a role of that name that it did not make for this database, or that can log in.
Learners' names may not start with ``mlops_quiz`` nor end like a group's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import DBAPIError

from mlops_quiz.errors import BadInputError, StoreError
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import class_info, published_bank
from mlops_quiz.store.sqlite_files import safe_url

LEARNER_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""A learner's login: it becomes a role name and the profile, so plain lowercase only."""
RESERVED_PREFIXES = ("pg_", "mlops_quiz")
RESERVED_SUFFIXES = ("_learners", "_teachers")
SCRAM_ITERATIONS = 4096
LARGE_OBJECT_MAKERS = ("lo_creat(integer)", "lo_create(oid)", "lo_from_bytea(oid, bytea)")
"""The functions that make a large object (storage outside every table and its policies):
``init`` revokes them from PUBLIC in the class's database where it may (as a superuser)."""


@dataclass(frozen=True)
class ClassInfo:
    """Who is connected to a class database, and the class's role groups."""

    learners: str
    teachers: str
    login: str
    is_learner: bool
    is_teacher: bool


def check_learner_name(name: str) -> str:
    """A learner name fit to be a role name, or BadInputError: nothing else reaches SQL."""
    if (
        not LEARNER_NAME.fullmatch(name)
        or name.startswith(RESERVED_PREFIXES)
        or name.endswith(RESERVED_SUFFIXES)
    ):
        raise BadInputError(
            f"{name[:60]!r} cannot be a learner name: use 1 to 40 lowercase letters, digits and "
            "'_', starting with a letter (not 'pg_' or 'mlops_quiz', and not ending in "
            "'_learners' or '_teachers', which are groups' names)"
        )
    return name


def quote_ident(name: str) -> str:
    """An SQL identifier, quoted (names are validated first; this is the second lock)."""
    return '"' + name.replace('"', '""') + '"'


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """PostgreSQL's SCRAM-SHA-256 form of a password: the server stores and logs only this,
    never the password itself (RFC 5802, as PostgreSQL's ``pg_fe_scram_build_secret``)."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def group_names(database_oid: int) -> tuple[str, str]:
    """The class's two groups, named after its database's OID: unique on the server."""
    return f"mlops_quiz_{database_oid}_learners", f"mlops_quiz_{database_oid}_teachers"


def group_comment(class_id: str, kind: str, database_oid: int) -> str:
    """The comment a group is made with: how ``init`` knows the group is this class's."""
    return f"mlops-quiz class {class_id}: the {kind} of database {database_oid}"


def require_server_url(url: str) -> None:
    """A class lives on PostgreSQL: any other URL is refused before anything is opened (a
    SQLite file, or its folder, is not looked for)."""
    scheme = url.partition(":")[0].partition("+")[0].lower()
    if scheme == "postgresql":
        return
    prefix = "sqlite:///"
    shown = url[len(prefix) :] if url.startswith(prefix) else safe_url(url)
    raise BadInputError(
        f"a class needs a PostgreSQL database (postgresql+psycopg://...), not {shown}"
    )


class Classroom(StoreBase):
    """The class's roles, policies and published bank (PostgreSQL only)."""

    _class: ClassInfo | None = None
    _class_known = False

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _require_postgres(self) -> None:
        if not self.is_postgres:
            raise BadInputError(
                f"a class needs a PostgreSQL database (postgresql+psycopg://...), not {self.label}"
            )

    @contextmanager
    def _class_guard(self, action: str) -> Iterator[None]:
        """A refusal by the server (no privilege) said as such; other errors as usual."""
        try:
            with self._guard(action):
                yield
        except StoreError as exc:
            if "permission denied" in str(exc) or "must be" in str(exc):
                raise StoreError(
                    f"cannot {action}: the server refused it to this login ({exc})"
                ) from None
            raise

    def class_info(self) -> ClassInfo | None:
        """The class this database holds and who is connected, or None (SQLite, or a
        PostgreSQL database where ``class init`` has not been run)."""
        if self._class_known:
            return self._class
        info: ClassInfo | None = None
        if self.is_postgres:
            with self._guard("read"), self._read() as conn:
                rows = dict(conn.execute(select(class_info.c.key, class_info.c.value)).all())
                if "learners" in rows and "teachers" in rows:
                    login, learner, teacher = conn.exec_driver_sql(
                        "SELECT current_user, pg_has_role(current_user, %(l)s, 'MEMBER'), "
                        "pg_has_role(current_user, %(t)s, 'MEMBER') OR "
                        "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)",
                        {"l": rows["learners"], "t": rows["teachers"]},
                    ).one()
                    info = ClassInfo(
                        rows["learners"], rows["teachers"], str(login), bool(learner), bool(teacher)
                    )
        self._class, self._class_known = info, True
        return info

    def _sql(self, conn: Connection, statement: str) -> None:
        conn.exec_driver_sql(statement.replace("%", "%%"))

    def _profile_tables(self, conn: Connection) -> list[str]:
        rows = conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'profile' "
            "ORDER BY table_name"
        )
        return [str(r[0]) for r in rows]

    def init_class(self) -> ClassInfo:
        """Make the role groups, grants and policies (again: every step is idempotent).

        A class set up by an older version (groups named after the database) is moved to its
        own groups: their members join the new groups, the old groups lose every right here and
        are dropped unless another database still uses them."""
        self._require_postgres()
        with self._class_guard("set up the class in"), self._write() as conn:
            database, oid = conn.exec_driver_sql(
                "SELECT datname, oid FROM pg_database WHERE datname = current_database()"
            ).one()
            database, oid = str(database), int(oid)
            recorded = dict(conn.execute(select(class_info.c.key, class_info.c.value)).all())
            class_id = recorded.get("class_id") if recorded.get("database") == str(oid) else None
            class_id = class_id or secrets.token_hex(8)
            learners, teachers = group_names(oid)
            for group, kind in ((learners, "learners"), (teachers, "teachers")):
                self._own_group(conn, group, group_comment(class_id, kind, oid))
            self._grant(conn, database, learners, teachers)
            member = conn.exec_driver_sql(
                "SELECT pg_has_role(current_user, %(t)s, 'MEMBER')", {"t": teachers}
            ).scalar_one()
            if not member:
                self._sql(conn, f"GRANT {quote_ident(teachers)} TO CURRENT_USER")
            if "class_id" not in recorded:
                for key, new in (("learners", learners), ("teachers", teachers)):
                    old = recorded.get(key)
                    if old and old != new:
                        self._retire_group(conn, database, old, new)
            conn.execute(delete(class_info))
            conn.execute(
                insert(class_info),
                [
                    {"key": "learners", "value": learners},
                    {"key": "teachers", "value": teachers},
                    {"key": "class_id", "value": class_id},
                    {"key": "database", "value": str(oid)},
                ],
            )
        self._class_known = False
        info = self.class_info()
        assert info is not None
        return info

    def _own_group(self, conn: Connection, group: str, comment: str) -> None:
        """Make the group, or check that the role of its name is the one this class made."""
        found = conn.exec_driver_sql(
            "SELECT rolcanlogin OR rolsuper, shobj_description(oid, 'pg_authid') "
            "FROM pg_roles WHERE rolname = %(n)s",
            {"n": group},
        ).first()
        if found is None:
            self._sql(conn, f"CREATE ROLE {quote_ident(group)} NOLOGIN")
            literal = "'" + comment.replace("'", "''") + "'"  # hex and digits only
            self._sql(conn, f"COMMENT ON ROLE {quote_ident(group)} IS {literal}")
        elif found[0] or found[1] != comment:
            raise BadInputError(
                f"a role named {group!r} already exists on this server and was not made by "
                "this class (or it can log in); it is not adopted: drop or rename it, then run "
                "'mlops-quiz class init' again"
            )

    def _grant(self, conn: Connection, database: str, learners: str, teachers: str) -> None:
        q_learners, q_teachers = quote_ident(learners), quote_ident(teachers)
        q_db = quote_ident(database)
        self._sql(conn, f"REVOKE ALL ON DATABASE {q_db} FROM PUBLIC")
        self._sql(conn, f"GRANT CONNECT ON DATABASE {q_db} TO {q_learners}, {q_teachers}")
        self._sql(conn, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        superuser = conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar_one()
        if superuser:  # the functions belong to the server's superuser: others may not revoke
            makers = ", ".join(LARGE_OBJECT_MAKERS)
            self._sql(conn, f"REVOKE EXECUTE ON FUNCTION {makers} FROM PUBLIC")
        self._sql(conn, f"GRANT USAGE ON SCHEMA public TO {q_learners}, {q_teachers}")
        self._sql(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {q_learners}")
        self._sql(conn, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {q_learners}")
        self._sql(conn, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {q_learners}")
        self._sql(conn, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {q_teachers}")
        self._sql(conn, f"GRANT INSERT, UPDATE, DELETE ON published_bank TO {q_teachers}")
        for table in self._profile_tables(conn):
            t = quote_ident(table)
            # Every column but the log's generated id: a learner who could choose ids could
            # take the ones the next answers of the class would get.
            columns = ", ".join(quote_ident(c) for c in self._columns(conn, table) if c != "id")
            self._sql(conn, f"GRANT INSERT ({columns}), UPDATE ({columns}) ON {t} TO {q_learners}")
            self._sql(conn, f"GRANT DELETE ON {t} TO {q_learners}")
            self._sql(conn, f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
            self._sql(conn, f"DROP POLICY IF EXISTS learner_own_rows ON {t}")
            # session_user, not current_user: after SET ROLE to the group a learner is still
            # their login, so no row under a group's name is theirs (or shared).
            self._sql(
                conn,
                f"CREATE POLICY learner_own_rows ON {t} TO {q_learners} "
                "USING (profile = session_user) WITH CHECK (profile = session_user)",
            )
            self._sql(conn, f"DROP POLICY IF EXISTS teacher_reads_all ON {t}")
            self._sql(
                conn,
                f"CREATE POLICY teacher_reads_all ON {t} FOR SELECT TO {q_teachers} USING (true)",
            )

    def _columns(self, conn: Connection, table: str) -> list[str]:
        rows = conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %(t)s "
            "ORDER BY ordinal_position",
            {"t": table},
        )
        return [str(r[0]) for r in rows]

    def _retire_group(self, conn: Connection, database: str, old: str, new: str) -> None:
        """An older version's group: its members join ``new``; it keeps no right here."""
        if (
            conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": old}).first()
            is None
        ):
            return
        members = conn.exec_driver_sql(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = %(g)s AND r.rolname <> %(n)s",
            {"g": old, "n": new},
        )
        for (name,) in list(members):
            self._sql(conn, f"GRANT {quote_ident(new)} TO {quote_ident(str(name))}")
        q_old = quote_ident(old)
        self._sql(conn, f"REVOKE ALL ON DATABASE {quote_ident(database)} FROM {q_old}")
        self._sql(conn, f"REVOKE ALL ON SCHEMA public FROM {q_old}")
        self._sql(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {q_old}")
        self._sql(conn, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {q_old}")
        try:
            with conn.begin_nested():
                self._sql(conn, f"DROP ROLE {q_old}")
        except DBAPIError:
            pass  # another database (another class) still uses it: left to that class

    def _require_class(self) -> ClassInfo:
        self._require_postgres()
        info = self.class_info()
        if info is None:
            raise BadInputError(
                f"{self.label} is not a class database yet; run 'mlops-quiz class init' first"
            )
        return info

    def add_learner(self, name: str, password: str | None, keep_progress: bool = False) -> None:
        """A login role in the learner group; ``password`` is sent only as a SCRAM verifier.
        Progress left under the name (a learner removed without ``--purge``) is refused unless
        ``keep_progress``: the new login would get the old learner's answers."""
        check_learner_name(name)
        info = self._require_class()
        role = quote_ident(name)
        with self._class_guard(f"add the learner {name!r} to"), self._write() as conn:
            found = conn.exec_driver_sql(
                "SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name}
            ).first()
            if found is not None:
                raise BadInputError(f"a role named {name!r} already exists on this server")
            left = sum(
                int(
                    conn.exec_driver_sql(
                        f"SELECT count(*) FROM {quote_ident(table)} WHERE profile = %(n)s",
                        {"n": name},
                    ).scalar_one()
                )
                for table in self._profile_tables(conn)
            )
            if left and not keep_progress:
                raise BadInputError(
                    f"{left} rows of progress are kept under {name!r} from an earlier learner of "
                    "that name: give --keep-progress to hand them to the new login, or choose "
                    "another name"
                )
            secret = f" PASSWORD '{scram_verifier(password)}'" if password else ""
            self._sql(
                conn, f"CREATE ROLE {role} LOGIN{secret} IN ROLE {quote_ident(info.learners)}"
            )

    def remove_learner(self, name: str, purge: bool) -> int:
        """Drop a learner's login; with ``purge``, delete their progress too (rows deleted)."""
        check_learner_name(name)
        info = self._require_class()
        deleted = 0
        with self._class_guard(f"remove the learner {name!r} from"), self._write() as conn:
            member = conn.exec_driver_sql(
                "SELECT pg_has_role(%(n)s, %(g)s, 'MEMBER') FROM pg_roles WHERE rolname = %(n)s",
                {"n": name, "g": info.learners},
            ).first()
            if member is None or not member[0]:
                raise BadInputError(f"{name!r} is not a learner of this class")
            if purge:
                for table in self._profile_tables(conn):
                    result = conn.exec_driver_sql(
                        f"DELETE FROM {quote_ident(table)} WHERE profile = %(n)s", {"n": name}
                    )
                    deleted += max(result.rowcount, 0)
            self._drop_owned(conn, name)
            self._sql(conn, f"DROP ROLE {quote_ident(name)}")
        return deleted

    def _drop_owned(self, conn: Connection, name: str) -> None:
        """Drop what the learner owns in this database (large objects: they may make nothing
        else), which would keep their login from being dropped. It needs the learner's
        privileges, which a teacher who is no superuser takes by joining the login's role
        (dropped with it)."""
        role = quote_ident(name)
        try:
            with conn.begin_nested():
                self._sql(conn, f"DROP OWNED BY {role}")
        except DBAPIError:
            self._sql(conn, f"GRANT {role} TO CURRENT_USER")
            self._sql(conn, f"DROP OWNED BY {role}")

    def learner_names(self) -> list[str]:
        info = self._require_class()
        with self._guard("read"), self._read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT r.rolname FROM pg_roles r WHERE r.rolcanlogin AND NOT r.rolsuper "
                "AND pg_has_role(r.rolname, %(g)s, 'MEMBER') ORDER BY r.rolname",
                {"g": info.learners},
            )
            return [str(r[0]) for r in rows]

    def publish(self, files: list[tuple[str, str]], when: datetime) -> None:
        """Replace the published bank with these files (name, YAML text), in one transaction."""
        self._require_class()
        with self._class_guard("publish the bank to"), self._write() as conn:
            conn.execute(delete(published_bank))
            conn.execute(
                insert(published_bank),
                [
                    {"position": i, "name": name, "content": text, "published_at": when.isoformat()}
                    for i, (name, text) in enumerate(files)
                ],
            )

    def published(self) -> list[tuple[str, str]]:
        """The published bank's files (name, YAML text) in load order; empty if none."""
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(published_bank.c.name, published_bank.c.content).order_by(
                    published_bank.c.position
                )
            )
            return [(str(n), str(c)) for n, c in rows]
