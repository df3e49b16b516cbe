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


def nginx_directives(conf, name):
    """The arguments of every `name ...;` in deploy/nginx.conf (comments left out)."""
    lines = [line.split("#", 1)[0].strip().rstrip(";").split() for line in conf.splitlines()]
    return [words[1:] for words in lines if words and words[0] == name]


def test_the_proxy_is_the_only_way_in_and_caps_bodies_at_the_apps_limit():
    from django.conf import settings  # settings are read here, once pytest-django configured them

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = {name for name, service in services.items() if "ports" in service and name != "mailpit"}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["ports"] == ["80:80", "443:443"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert services["web"]["expose"] == ["8000"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert ["web:8000"] in nginx_directives(conf, "server")
    assert nginx_directives(conf, "proxy_pass") == [["http://coop_web"]]
    # nginx's m is 1024 * 1024 bytes: the same cap as the app's own (RequestSizeLimitMiddleware).
    [[size]] = nginx_directives(conf, "client_max_body_size")
    assert size.endswith("m") and int(size[:-1]) * 1024 * 1024 == settings.REQUEST_MAX_BYTES
    # One proxy that replaces X-Forwarded-For with the peer it saw: the app counts one.
    assert ["X-Forwarded-For", "$remote_addr"] in nginx_directives(conf, "proxy_set_header")
    assert ["X-Forwarded-Proto", "$scheme"] in nginx_directives(conf, "proxy_set_header")
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    assert services["web"]["environment"]["SITE_URL"] == "${SITE_URL:-https://localhost}"
