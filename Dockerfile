# sagsbro's image: the web server (gunicorn), the task worker and the audit log's sealer all
# run from it, with different commands (compose.yaml). Build: `docker build -t sagsbro .`
#
# Python packages come from the lock file with their hashes (requirements/base.txt), so the
# image holds exactly the versions CI tested. The design system and htmx come from npm
# (package-lock.json) in a build stage; only their dist folders reach the image.

# --- front-end packages ------------------------------------------------------------------------
FROM node:22-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- the application ---------------------------------------------------------------------------
# Debian bookworm: its postgresql-client-15 matches the PostgreSQL 15 server (pg_dump for
# `manage.py backup` must be of the server's major version).
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=sagsbro.settings.production \
    PYTHONPATH=/app

# Pango for WeasyPrint's PDFs, a font, LibreOffice for the PDFs of attached Word files and
# spreadsheets (the task worker), and pg_dump/pg_restore for backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-client-15 \
        libreoffice-writer-nogui libreoffice-calc-nogui \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The locked dependencies first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY --from=frontend /build/node_modules/dkfds/dist node_modules/dkfds/dist
COPY --from=frontend /build/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY manage.py gunicorn.conf.py pyproject.toml ./
COPY sagsbro sagsbro

# Static files with hashed names and compressed copies, served by WhiteNoise. Production
# settings insist on their secrets, so collectstatic gets throwaway ones (it opens no database).
RUN DATABASE_URL=postgres://build@localhost/build \
    SAGSBRO_SECRET_KEY=build-only-not-a-secret \
    SAGSBRO_AUDIT_KEYS=build:0000000000000000000000000000000000000000000000000000000000000000 \
    SAGSBRO_AUDIT_CHECKPOINT_DIR=/tmp \
    python manage.py collectstatic --no-input -v0

# Run as a user without rights to the code; documents (var/media) and the audit checkpoints
# go to volumes.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home sagsbro \
    && mkdir -p /app/var/media /var/lib/sagsbro/audit-checkpoints \
    && chown -R sagsbro:sagsbro /app/var /var/lib/sagsbro
USER sagsbro

ENV SAGSBRO_WEB_BIND=0.0.0.0:8000 \
    SAGSBRO_AUDIT_CHECKPOINT_DIR=/var/lib/sagsbro/audit-checkpoints
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz/', timeout=3)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
