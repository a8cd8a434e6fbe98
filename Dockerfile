# The one image for the web server, the Celery worker and Celery beat; the
# command differs (see docker-compose.yml, which holds the production commands).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=mentorship.settings \
    PORT=8000

# A fixed, unprivileged user; the code stays owned by root, so the running app
# cannot rewrite itself.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime dependencies only (all pinned, all with wheels: no compiler needed),
# in their own layer so code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# The settings refuse to start without SECRET_KEY when DEBUG is off; this key
# exists only for this build step and is not kept in the image.
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
    python manage.py collectstatic --noinput --verbosity 1 \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app

EXPOSE 8000

# Load balancers and compose probe /healthz over plain HTTP (it is exempt from
# the HTTPS redirect). The Host header is the first ALLOWED_HOSTS entry, so the
# probe is not refused as a disallowed host in production.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.*') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': host}), timeout=4)"

# Serve only; docker-compose.yml runs migrations first (`migrate && exec gunicorn`).
CMD ["gunicorn", "mentorship.wsgi"]
