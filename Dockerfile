# The portal's image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders the notices with Pango and HarfBuzz; the Noto CJK fonts draw Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected into the image (whitenoise serves them, hashed and
# compressed). Settings need a key to load; this one exists only during the build.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=0 VAR_DIR=/tmp/build-var \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && useradd --system --uid 1000 --home-dir /app jinpu \
    && mkdir -p /app/var/media \
    && chown -R jinpu /app/var

USER jinpu
ENV VAR_DIR=/app/var MEDIA_ROOT=/app/var/media STATIC_ROOT=/app/staticfiles
EXPOSE 8000
# Workers, threads, bind address and timeouts: gunicorn.conf.py.
CMD ["gunicorn", "jinpu_portal.wsgi"]
