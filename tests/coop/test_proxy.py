"""The compose proxy's own configuration (deploy/nginx.conf), run by Debian's nginx in front of
the live server: it refuses a body over the app's limit before the app sees it, and the app,
counting TRUSTED_PROXY_COUNT=1, sees the client's real address and https even when the client
forges X-Forwarded-For. Only the ports, the certificate and the upstream differ from compose."""

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from coop.http import client_ip

NGINX = shutil.which("nginx") or (Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None)
CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="the Debian package nginx (Makefile DEBIAN_PACKAGES) is not installed"),
    pytest.mark.django_db,
]


@csrf_exempt  # a probe of what reached the app, not a form
def seen(request):
    return JsonResponse({"client": client_ip(request), "secure": request.is_secure(), "bytes": len(request.body)})


urlpatterns = [path("seen/", seen)]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _configure(tmp, upstream, plain, tls):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp / "privkey.pem"), "-out", str(tmp / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    conf = CONF.read_text()
    for old, new in [
        ("server web:8000;", f"server {upstream};"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{plain};"),
        ("listen 443 ssl default_server;", f"listen 127.0.0.1:{tls} ssl;"),
        ("/etc/nginx/certs/", f"{tmp}/"),
    ]:
        assert old in conf
        conf = conf.replace(old, new)
    (tmp / "default.conf").write_text(conf)
    temp_paths = " ".join(
        f"{name}_temp_path {tmp}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp / "nginx.conf"
    main.write_text(
        f"user root; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; {temp_paths} include {tmp}/default.conf; }}\n"
    )
    return main


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    plain, tls = _free_port(), _free_port()
    main = _configure(tmp_path, live_server.url.removeprefix("http://"), plain, tls)
    process = subprocess.Popen([str(NGINX), "-c", str(main), "-p", str(tmp_path)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", tls), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield {"plain": plain, "tls": tls}
    finally:
        process.terminate()
        process.wait(timeout=10)


def _connect(port):
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ssl._create_unverified_context())  # noqa: S323


def test_the_app_sees_the_client_and_https_not_a_forged_address(proxy):
    connection = _connect(proxy["tls"])
    connection.request(
        "POST", "/seen/", body=b"hello", headers={"Content-Type": "text/plain", "X-Forwarded-For": "203.0.113.9"}
    )
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Security-Policy")
    assert json.loads(response.read()) == {"client": "127.0.0.1", "secure": True, "bytes": 5}


def test_a_body_over_the_limit_is_refused_before_the_app_sees_it(proxy, settings):
    connection = _connect(proxy["tls"])
    # Only the headers: the proxy answers from the declared length, without reading the body.
    connection.putrequest("POST", "/seen/")
    connection.putheader("Content-Type", "text/plain")
    connection.putheader("Content-Length", str(settings.REQUEST_MAX_BYTES + 1))
    connection.endheaders()
    response = connection.getresponse()
    # nginx's own answer: the app (which sets a CSP on every response) never saw the request.
    assert response.status == 413 and response.getheader("Content-Security-Policy") is None


def test_plain_http_moves_to_https(proxy):
    connection = http.client.HTTPConnection("127.0.0.1", proxy["plain"], timeout=10)
    connection.request("GET", "/seen/?x=1")
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "https://127.0.0.1/seen/?x=1")
