"""A local Slack: a Web API fake that behaves like Slack, plus a browser UI."""

from pathlib import Path

# Where the sandbox keeps its data (relative to the working directory, like var/casebook.db).
DEFAULT_DB = Path("var/sandbox.db")
# The demo program (bot.config.EXAMPLE_PROGRAM, without importing pydantic for it).
DEFAULT_PROGRAM = Path(__file__).resolve().parents[1] / "program.example.yaml"
