#!/usr/bin/env bash
# Regenerate migrations/versions/0001_initial_schema.py from the models.
# Only valid while no release has shipped (there is no deployed schema to migrate from).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-.venv/bin/python}
tmp=$(mktemp -d)
mv migrations/versions/0002_audit_guards.py "$tmp/"
rm -f migrations/versions/0001_initial_schema.py
DATABASE_URL="sqlite:///$tmp/gen.db" "$py" -m alembic revision --autogenerate -m "initial schema" --rev-id 0001 >/dev/null
mv "$tmp/0002_audit_guards.py" migrations/versions/
sed -i '/^Create Date:/d' migrations/versions/0001_initial_schema.py
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial_schema.py"
