"""Process settings from the environment, plus the program file they point at."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.db.audit_chain import Keyring
from bot.program import ConfigError, Program, load_program

PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLE_PROGRAM = PACKAGE_DIR / "program.example.yaml"
DEFAULT_DATABASE_URL = "sqlite:///var/casebook.db"
SLACK_API_DEFAULT = "https://slack.com/api/"


class Settings(BaseSettings):
    """Everything the process reads from its environment (names as in DESIGN.md)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = DEFAULT_DATABASE_URL
    casebook_program: str | None = None
    casebook_scenarios: str = "scenarios"
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: str = Field(default="INFO", pattern=r"^(?i:debug|info|warning|error|critical)$")
    # Serving knobs; defaults are the measured production set-up (BENCHMARKS.md).
    casebook_threads: int = Field(default=32, ge=1, le=256)
    casebook_db_pool: int = Field(default=10, ge=1, le=200)
    casebook_scheduler: bool = True
    # Outbound pacing (docs/scheduling.md): Slack allows chat.postMessage about once per
    # second per channel with short bursts, plus a workspace-wide cap of a few hundred a minute.
    casebook_slack_rate: float = Field(default=5.0, gt=0, le=10_000)  # sends/s, this process
    casebook_slack_channel_gap: float = Field(default=1.0, ge=0, le=60)  # s between posts per channel
    casebook_slack_channel_burst: int = Field(default=5, ge=1, le=100)
    casebook_dispatch_threads: int = Field(default=4, ge=1, le=64)
    # `casebook worker`: loops running stored work side by side, and the CPU niceness the
    # process takes so the acking front always wins the cores (BENCHMARKS.md).
    casebook_inbox_threads: int = Field(default=4, ge=1, le=64)
    casebook_worker_nice: int = Field(default=10, ge=0, le=19)
    # How long transient Slack failures (5xx, 429, timeouts) are retried before a delivery is
    # given up and the admins alerted; long enough to outlast any outage.
    casebook_delivery_retry_hours: float = Field(default=24.0, gt=0, le=24 * 14)
    # The audit chain's MAC key (docs/audit.md): a secret the database never holds. Rotate by
    # moving the old key to CASEBOOK_AUDIT_PREVIOUS_KEYS (comma-separated) and setting a new one.
    casebook_audit_key: str | None = None
    casebook_audit_previous_keys: str | None = None

    def audit_keyring(self) -> Keyring:
        """The audit keyring from the environment (the development key when none is set)."""
        return Keyring.from_secrets(self.casebook_audit_key, self.casebook_audit_previous_keys)

    @property
    def api_url(self) -> str:
        """The Web API base URL, always ending in a slash as slack_sdk expects."""
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    def program_path(self) -> Path:
        """CASEBOOK_PROGRAM, else ./program.yaml, else the shipped example."""
        if self.casebook_program:
            return Path(self.casebook_program)
        local = Path("program.yaml")
        return local if local.exists() else EXAMPLE_PROGRAM

    def load_program(self) -> Program:
        return load_program(self.program_path())


def load_settings() -> Settings:
    """Read Settings from the environment, turning validation errors into one line."""
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]).upper()
        raise ConfigError(f"environment: {field}: {err['msg']}") from None
