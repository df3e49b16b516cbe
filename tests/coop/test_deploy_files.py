"""docker-compose.yml cannot run here (no Docker engine), so its wiring is checked as data."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_production_services_wired_by_the_same_variables():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "mailpit", "migrate"} <= set(services)
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["DATABASE_URL"].endswith("@db:5432/coop")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env and "EMAIL_HOST" in env
    assert services["web"]["command"].startswith("gunicorn coop.wsgi")
    assert services["worker"]["command"].startswith("celery -A coop worker")
    assert services["beat"]["command"].startswith("celery -A coop beat")
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")


def test_wsgi_and_celery_modules_named_there_exist():
    import coop.celery
    import coop.wsgi

    assert coop.wsgi.application is not None
    assert coop.celery.app.main == "coop"
