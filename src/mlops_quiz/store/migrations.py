"""The progress database's schema as an add-only list of named migrations.

Each migration runs once, in its own transaction, and is recorded by name in
``_mlops_quiz_migrations``. Never edit or reorder a released migration: add a new one. A database
that records a migration this version does not know was written by a newer version and is
refused rather than touched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

from mlops_quiz.errors import NewerDatabaseError, StoreError
from mlops_quiz.scheduling import PASSING_GRADE

MIGRATIONS_TABLE = "_mlops_quiz_migrations"

Migration = Callable[[Connection], None]


def m001_initial(conn: Connection) -> None:
    """Card state per (profile, question) and a log of every answer."""
    meta = MetaData()
    Table(
        "cards",
        meta,
        Column("profile", String(64), nullable=False),
        Column("question_id", String(80), nullable=False),
        Column("repetitions", Integer, nullable=False),
        Column("interval", Integer, nullable=False),
        Column("ef100", Integer, nullable=False),
        Column("due", Date),
        Column("lapses", Integer, nullable=False, default=0),
        Column("introduced_on", Date),
        Column("last_reviewed_at", String(40)),
        PrimaryKeyConstraint("profile", "question_id"),
    )
    Table(
        "reviews",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("profile", String(64), nullable=False),
        Column("question_id", String(80), nullable=False),
        Column("reviewed_at", String(40), nullable=False),
        Column("day", Date, nullable=False),
        Column("grade", Integer, nullable=False),
        Column("answer", Text, nullable=False, default=""),
        Column("duration_ms", Integer, nullable=False, default=0),
        Column("kind", String(10), nullable=False),
        Column("before_repetitions", Integer, nullable=False),
        Column("before_interval", Integer, nullable=False),
        Column("before_ef100", Integer, nullable=False),
        Column("before_due", Date),
        Column("before_lapses", Integer, nullable=False),
        Column("after_repetitions", Integer, nullable=False),
        Column("after_interval", Integer, nullable=False),
        Column("after_ef100", Integer, nullable=False),
        Column("after_due", Date),
        Column("after_lapses", Integer, nullable=False),
    )
    meta.create_all(conn)


def m002_indexes(conn: Connection) -> None:
    """Indexes for what study and stats read: due cards, reviews by day and by question."""
    meta = MetaData()
    cards = Table("cards", meta, autoload_with=conn)
    reviews = Table("reviews", meta, autoload_with=conn)
    Index("ix_cards_profile_due", cards.c.profile, cards.c.due).create(conn)
    Index("ix_reviews_profile_day", reviews.c.profile, reviews.c.day).create(conn)
    Index(
        "ix_reviews_profile_question",
        reviews.c.profile,
        reviews.c.question_id,
        reviews.c.kind,
        reviews.c.grade,
    ).create(conn)


def m003_card_counters(conn: Connection) -> None:
    """Per card, how many scheduling reviews and how many passed (graded 3 or more), so that
    retention is read from the cards instead of counted over the whole log."""
    conn.exec_driver_sql("ALTER TABLE cards ADD COLUMN reviews INTEGER NOT NULL DEFAULT 0")
    conn.exec_driver_sql("ALTER TABLE cards ADD COLUMN passes INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        text(
            "UPDATE cards SET "
            "reviews = (SELECT count(*) FROM reviews r WHERE r.profile = cards.profile "
            "AND r.question_id = cards.question_id AND r.kind = 'review'), "
            "passes = (SELECT count(*) FROM reviews r WHERE r.profile = cards.profile "
            "AND r.question_id = cards.question_id AND r.kind = 'review' "
            "AND r.grade >= :passing_grade)"
        ),
        {"passing_grade": PASSING_GRADE},  # the one pass rule, scheduling.is_pass
    )


def m004_key_points_made(conn: Connection) -> None:
    """With each answer to an open item, which of its key points were made, as "1,3/5" (the
    numbers made, then how many the item had); NULL for other answers and older ones. A
    partial index holds just those answers, so stats reads them without scanning the log."""
    conn.exec_driver_sql("ALTER TABLE reviews ADD COLUMN key_points_made TEXT")
    conn.exec_driver_sql(
        "CREATE INDEX ix_reviews_key_points_made ON reviews (profile, question_id, "
        "key_points_made) WHERE key_points_made IS NOT NULL"
    )


def m005_card_flags(conn: Connection) -> None:
    """The learner's hold on cards: suspended (never studied until unsuspended), buried until a
    study day, and on the log, when an answer's card was later reset to new. A card row may now
    hold a new card (no due date): one suspended before it was studied, or one that was reset
    (its counters kept, so retention still counts the answers before the reset)."""
    conn.exec_driver_sql("ALTER TABLE cards ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0")
    conn.exec_driver_sql("ALTER TABLE cards ADD COLUMN buried_until DATE")
    conn.exec_driver_sql("ALTER TABLE reviews ADD COLUMN reset_at VARCHAR(40)")


def m006_class(conn: Connection) -> None:
    """What a class database needs beyond one learner's progress: the bank the teacher
    published (one row per file, in load order) and the class's settings (its role groups).
    Both stay empty on SQLite; the roles and policies are made by ``class init``."""
    meta = MetaData()
    Table(
        "published_bank",
        meta,
        Column("position", Integer, primary_key=True, autoincrement=False),
        Column("name", String(200), nullable=False),
        Column("content", Text, nullable=False),
        Column("published_at", String(40), nullable=False),
    )
    Table(
        "class_info",
        meta,
        Column("key", String(40), primary_key=True),
        Column("value", String(200), nullable=False),
    )
    meta.create_all(conn)


def m007_schedulers(conn: Connection) -> None:
    """Which scheduler computed a card's interval and due date: NULL (every card before this
    migration) is SM-2. A profile switched to another scheduler has its cards recomputed from
    their logs (``Store.reschedule``); the log itself is never rewritten. A profile's own
    settings (FSRS parameters fitted to its log) go in ``profile_settings``; in a class, its
    ``profile`` column puts it under the learners' row-level security like the other tables."""
    conn.exec_driver_sql("ALTER TABLE cards ADD COLUMN scheduler VARCHAR(10)")
    meta = MetaData()
    Table(
        "profile_settings",
        meta,
        Column("profile", String(64), nullable=False),
        Column("key", String(40), nullable=False),
        Column("value", Text, nullable=False),
        PrimaryKeyConstraint("profile", "key"),
    )
    meta.create_all(conn)


def m008_card_content(conn: Connection) -> None:
    """What a card was about when it was last reviewed: a digest of its question's prompt and
    answer (``bank.content_digest``), so that ``doctor`` recognises a question whose id was
    renamed with its text kept. NULL for cards last reviewed before this migration."""
    conn.exec_driver_sql("ALTER TABLE cards ADD COLUMN content VARCHAR(16)")


def m009_review_ids(conn: Connection) -> None:
    """On PostgreSQL, the log's ``id`` becomes ``bigint GENERATED ALWAYS AS IDENTITY``: no
    sequence a learner must be allowed to use (and could run ahead of, or exhaust), and room for
    any log. It starts after every id in use. SQLite's rowid ids are left as they are."""
    if conn.dialect.name != "postgresql":
        return
    sequence = conn.exec_driver_sql("SELECT pg_get_serial_sequence('reviews', 'id')").scalar()
    start = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM reviews").scalar_one())
    conn.exec_driver_sql("ALTER TABLE reviews ALTER COLUMN id DROP DEFAULT")
    if sequence is not None:
        used = conn.exec_driver_sql(f"SELECT last_value FROM {sequence}").scalar_one()
        start = max(start, int(used))
        conn.exec_driver_sql(f"DROP SEQUENCE {sequence}")
    conn.exec_driver_sql("ALTER TABLE reviews ALTER COLUMN id TYPE bigint")
    conn.exec_driver_sql(
        "ALTER TABLE reviews ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY "
        f"(START WITH {start + 1})"
    )


MIGRATIONS: list[Migration] = [
    m001_initial,
    m002_indexes,
    m003_card_counters,
    m004_key_points_made,
    m005_card_flags,
    m006_class,
    m007_schedulers,
    m008_card_content,
    m009_review_ids,
]


def _table(meta: MetaData) -> Table:
    return Table(
        MIGRATIONS_TABLE,
        meta,
        Column("name", String(100), primary_key=True),
        Column("applied_at", String(40), nullable=False),
    )


def applied(conn: Connection) -> list[str]:
    if not inspect(conn).has_table(MIGRATIONS_TABLE):
        return []
    table = _table(MetaData())
    return list(conn.execute(select(table.c.name)).scalars())


def check_known(names: list[str], migrations: list[Migration]) -> None:
    known = {m.__name__ for m in migrations}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise NewerDatabaseError(
            "the progress database was written by a newer version of mlops-quiz "
            f"(it has migration {unknown[0]!r}); upgrade mlops-quiz to use it"
        )


def check_ours(
    tables: list[str], names: list[str], migrations: list[Migration] = MIGRATIONS
) -> None:
    """Refuse a database that a newer version wrote, or that holds someone else's tables.

    ``tables`` are the database's table names, ``names`` the migrations it records."""
    check_known(names, migrations)
    if not names:
        foreign = [t for t in tables if not t.startswith("sqlite_")]
        if foreign:
            raise StoreError(
                "this database holds other tables and no mlops-quiz progress "
                f"({', '.join(sorted(foreign)[:3])}); choose another --db"
            )


def pending(conn: Connection, migrations: list[Migration] = MIGRATIONS) -> list[Migration]:
    names = applied(conn)
    check_ours(inspect(conn).get_table_names() if not names else [], names, migrations)
    return [m for m in migrations if m.__name__ not in names]


def apply(conn: Connection, migration: Migration) -> None:
    """Run one migration and record it; the caller owns the transaction."""
    meta = MetaData()
    table = _table(meta)
    meta.create_all(conn, tables=[table], checkfirst=True)
    migration(conn)
    conn.execute(
        table.insert().values(
            name=migration.__name__, applied_at=datetime.now(timezone.utc).isoformat()
        )
    )
