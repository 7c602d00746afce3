"""Configuration: where things live, and the settings that shape a command.

Settings come from a command-line option, then an environment variable, then the settings
file (``settings``), then their default. ``paths`` says where things live (the data folder, the
database URL, the bank files) and reads the environment; ``settings`` reads and writes the
settings file; ``Settings`` here is the resolved whole, which the commands use. The dependency
runs one way: ``paths`` <- ``settings`` <- this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mlops_quiz.config import settings
from mlops_quiz.config.paths import (
    APP_NAME,
    DB_FILENAME,
    DEFAULT_DAY_START_HOUR,
    DEFAULT_PROFILE,
    EARLIEST_YEAR,
    ENV_BANK,
    ENV_DAY_START,
    ENV_DB,
    ENV_HOME,
    ENV_NOW,
    ENV_PROFILE,
    LATEST_YEAR,
    MAX_PROFILE_LENGTH,
    USER_BANK_FILENAME,
    bank_paths,
    bank_warnings,
    bundled_bank_path,
    cache_dir,
    data_dir,
    day_start_hour,
    db_url,
    default_db_url,
    is_default_bank_set,
    now,
    profile_name,
    user_bank_path,
)

__all__ = [
    "APP_NAME",
    "DB_FILENAME",
    "DEFAULT_DAY_START_HOUR",
    "DEFAULT_PROFILE",
    "EARLIEST_YEAR",
    "ENV_BANK",
    "ENV_DAY_START",
    "ENV_DB",
    "ENV_HOME",
    "ENV_NOW",
    "ENV_PROFILE",
    "LATEST_YEAR",
    "MAX_PROFILE_LENGTH",
    "USER_BANK_FILENAME",
    "Settings",
    "bank_paths",
    "bank_warnings",
    "bundled_bank_path",
    "cache_dir",
    "data_dir",
    "day_start_hour",
    "db_url",
    "default_db_url",
    "is_default_bank_set",
    "now",
    "profile_name",
    "settings",
    "user_bank_path",
]


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one command."""

    db_url: str
    bank_paths: list[Path]
    profile: str
    day_start_hour: int
    now: datetime
    new_per_day: int = 20
    session_limit: int = 200
    suspend_leeches: bool = False
    colour: bool = True
    scheduler: str = "sm2"
    desired_retention: float = 0.9
    fuzz: bool = False
    matcher: str = "meaning"
    sources: dict[str, str] = field(default_factory=dict)
    """Where each setting came from: option, environment, file or default."""

    @classmethod
    def resolve(
        cls,
        db: str | None,
        bank: list[Path] | None,
        profile: str | None,
        new_per_day: int | None = None,
        session_limit: int | None = None,
    ) -> Settings:
        lasting = settings.resolve(
            {"profile": profile, "new_per_day": new_per_day, "session_limit": session_limit}
        )
        return cls(
            db_url=db_url(db),
            bank_paths=bank_paths(bank),
            profile=lasting["profile"].value,
            day_start_hour=lasting["day_start_hour"].value,
            now=now(),
            new_per_day=lasting["new_per_day"].value,
            session_limit=lasting["session_limit"].value,
            suspend_leeches=lasting["suspend_leeches"].value,
            colour=lasting["colour"].value,
            scheduler=lasting["scheduler"].value,
            desired_retention=lasting["desired_retention"].value,
            fuzz=lasting["fuzz"].value,
            matcher=lasting["matcher"].value,
            sources={key: item.source for key, item in lasting.items()},
        )
