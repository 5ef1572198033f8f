# Casebook: the same steps as `make run`, in a slim image with a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=3000
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY migrations ./migrations
COPY scenarios ./scenarios
RUN pip install . \
 && useradd --create-home --uid 10001 casebook \
 && mkdir -p /app/var && chown casebook /app/var

USER casebook
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT','3000'), timeout=4)" || exit 1

# Migrations first (idempotent), then the HTTP server (gunicorn, graceful on SIGTERM).
CMD ["sh", "-c", "casebook migrate && exec casebook serve"]
