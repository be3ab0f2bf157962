# syntax=docker/dockerfile:1
# Production image for web (gunicorn), worker and beat (Celery) and the one-shot migrate job.
# See docs/deployment.md. Build: `docker compose build` (or `docker build -t prm .`).

# --- 1. Front-end packages (Bootstrap, Bootstrap Icons, htmx, Chart.js), exactly as pinned in package-lock.json.
# They are served as our own static files (STATICFILES_DIRS reads them from node_modules/), never from a CDN.
FROM node:22-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- 2. Python dependencies in a virtualenv that the runtime image copies as a whole.
FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
# Runtime dependencies first (from pyproject.toml, no dev extras), so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install -r requirements.txt
# Then the project itself (`pip install .`: runtime dependencies only, already satisfied above).
COPY . .
RUN pip install --no-deps .

# --- 3. Runtime image.
FROM python:3.11-slim-bookworm AS runtime
# PYTHONPATH: settings compute BASE_DIR (templates/, static/, node_modules/, staticfiles/) from their own file, so
# the code must be imported from /app, not from the copy `pip install .` put in site-packages.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=prm.settings.production \
    MEDIA_ROOT=/var/lib/prm/media

# An unprivileged user; /var/lib/prm holds the private uploads (media/) and Celery beat's schedule (beat/).
# Named volumes mounted there start with this ownership.
RUN groupadd --system --gid 10001 prm \
    && useradd --system --uid 10001 --gid prm --home-dir /app --no-create-home --shell /usr/sbin/nologin prm \
    && install -d -o prm -g prm -m 0750 /var/lib/prm /var/lib/prm/media /var/lib/prm/beat

COPY --from=python-deps /opt/venv /opt/venv
WORKDIR /app
# Code stays owned by root: the application can read it but not change it.
COPY . .
COPY --from=assets /build/node_modules ./node_modules

# Static files are collected at build time (whitenoise serves them, hashed and compressed). Production settings
# refuse to load without a 50+ character SECRET_KEY; these dummy values exist only for this one command and are
# not kept in the image. collectstatic does not connect to the database or Redis.
RUN SECRET_KEY=build-only-collectstatic-not-a-secret-0123456789abcdefghijklmnop \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    DJANGO_SETTINGS_MODULE=prm.settings.production \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app

USER prm:prm
EXPOSE 8000
CMD ["gunicorn", "prm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
