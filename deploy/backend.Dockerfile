# syntax=docker/dockerfile:1
# The Django image: web (gunicorn), worker, beat and the bootstrap job all run it.
# Build from the repository root:  docker build -f deploy/backend.Dockerfile -t saas-backend .

FROM python:3.12-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir "uv==0.13.8"
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY manage.py ./
COPY saas ./saas
COPY tenants ./tenants
COPY shared_apps ./shared_apps
COPY tenant_apps ./tenant_apps
COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py
COPY deploy/scripts/wait_for_migrations.py ./deploy/scripts/wait_for_migrations.py
# collectstatic only reads settings: throwaway values, nothing is connected to.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    /opt/venv/bin/python manage.py collectstatic --noinput

FROM python:3.12-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=saas.settings \
    DJANGO_DEBUG=false
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Read-only code owned by root; the app user can write nothing but /tmp.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': os.environ.get('SAAS_BASE_DOMAIN', 'localhost')}), timeout=4)"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "saas.wsgi:application"]
