# The production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-ipafont-gothic fonts-ipafont-mincho gettext \
      libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY coop coop
COPY placements placements
COPY reports reports
COPY rubrics rubrics
COPY surveys surveys
COPY consortium consortium
COPY api api
RUN pip install .
COPY . .
RUN msgfmt --check -o locale/ja/LC_MESSAGES/django.mo locale/ja/LC_MESSAGES/django.po \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app coop && mkdir -p /app/media /app/backups && chown coop /app/media /app/backups
USER coop
EXPOSE 8000
CMD ["gunicorn", "coop.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
