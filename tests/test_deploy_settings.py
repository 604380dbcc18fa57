"""Production: the settings, the portal as gunicorn serves it, the Dockerfile and compose.

The settings are loaded in subprocesses (the test process already runs the test
settings), with the environment docker-compose.yml gives the portal. One module-scoped
gunicorn server, started as the image would start it (production settings, static files
collected with CompressedManifestStaticFilesStorage, WhiteNoise) and bound to 127.0.0.1,
answers the HTTP tests. Docker has no engine here, so the image is never built: the
Dockerfile and docker-compose.yml are read and their commands run where they can be.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from django.conf import settings as test_settings
from django.urls import reverse

from tests.worker import BASE_DIR, database_url_for_tests

# Reserved by RFC 2606: it can never lead a request off this machine.
SITE_HOST = "csp-portal.invalid"
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")
BIN = Path(sys.executable).parent


def production_env(**overrides: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the portal, with a fresh secret key."""
    env = {
        "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME") or tempfile.gettempdir(),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "csp_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": SITE_HOST,
        "CSP_SITE_URL": f"https://{SITE_HOST}",
        "DATABASE_URL": "postgres://csp_portal:a-long-random-password@postgres:5432/csp_portal",
        "REDIS_URL": "redis://redis:6379/0",
        "CSP_MEDIA_ROOT": "/data/media",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "True",
        "DEFAULT_FROM_EMAIL": "CSP Portal <no-reply@example.org>",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names: str, **env_overrides: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(code, production_env(**env_overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Settings --------------------------------------------------------------------------------


def test_it_reports_no_issues_from_check_deploy_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "too-short-to-be-a-real-key"],
    ids=["missing", "empty", "short"],
)
def test_it_refuses_to_start_without_a_real_secret_key(secret_key):
    result = run_python(
        "import django; django.setup()", production_env(DJANGO_SECRET_KEY=secret_key)
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set DJANGO_SECRET_KEY" in result.stderr


def test_it_reads_the_secret_key_from_a_file_as_docker_secrets_provide_it(tmp_path):
    key = secrets.token_urlsafe(64)
    (tmp_path / "django_secret_key").write_text(key + "\n")

    loaded = production_settings(
        "SECRET_KEY",
        DJANGO_SECRET_KEY=None,
        DJANGO_SECRET_KEY_FILE=str(tmp_path / "django_secret_key"),
    )

    assert loaded["SECRET_KEY"] == key


def test_it_never_debugs_and_keeps_cookies_to_https_with_hsts():
    loaded = production_settings(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "ALLOWED_HOSTS",
        "EMAIL_BACKEND",
        DJANGO_DEBUG="True",
    )

    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SESSION_COOKIE_HTTPONLY"] is True
    assert loaded["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert loaded["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 31536000
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["ALLOWED_HOSTS"] == [SITE_HOST]
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


# The portal served by gunicorn under production settings -----------------------------------


@dataclass(frozen=True)
class Server:
    port: int
    env: dict[str, str]
    pid: int

    def get(self, path: str, *, https: bool = True, headers: dict | None = None):
        """GET as the TLS-ending proxy would pass it on: Host, X-Forwarded-Proto."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": SITE_HOST, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, response.headers, body


@pytest.fixture(scope="module")
def production_server(django_db_setup, django_db_blocker) -> Iterator[Server]:
    with django_db_blocker.unblock():
        database_url = database_url_for_tests()
    static_root = Path(tempfile.mkdtemp(prefix="csp-staticfiles-"))
    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        DJANGO_STATIC_ROOT=str(static_root),
        WEB_CONCURRENCY="1",
    )
    # What the Dockerfile does at build time.
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if collected.returncode != 0:
        shutil.rmtree(static_root, ignore_errors=True)
        pytest.fail("collectstatic failed:\n" + collected.stdout + collected.stderr[-4000:])
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "csp_portal.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--timeout=60",
        "--access-logfile=-",
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail("gunicorn did not start:\n" + log.read()[-4000:])
                    time.sleep(0.2)
            yield Server(port=port, env=env, pid=process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            shutil.rmtree(static_root, ignore_errors=True)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_it_sends_a_strict_content_security_policy_with_a_nonce_on_the_inline_script(
    production_server,
):
    status, headers, body = production_server.get(reverse("accessibility"))

    assert status == 200
    policy = csp_directives(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    script_src = policy["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in policy["style-src"]
    nonces = [word[len("'nonce-") : -1] for word in script_src if word.startswith("'nonce-")]
    assert len(nonces) == 1
    html = body.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    inline = [attributes for attributes in scripts if "src=" not in attributes]
    assert len(inline) == 1  # templates/base.html's js-enabled line
    assert inline[0].strip() == f'nonce="{nonces[0]}"'
    assert all("src=" in attributes for attributes in scripts if attributes not in inline)

    _, again, _ = production_server.get(reverse("accessibility"))
    assert f"'nonce-{nonces[0]}'" not in again["Content-Security-Policy"]  # fresh each time


def test_it_sends_hsts_and_redirects_plain_http_to_https(production_server):
    status, headers, _ = production_server.get(reverse("accessibility"))

    assert status == 200
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, _ = production_server.get(reverse("accessibility"), https=False)

    assert status == 301
    assert headers["Location"] == f"https://{SITE_HOST}{reverse('accessibility')}"


def test_it_sets_cookies_only_for_https(production_server):
    status, headers, _ = production_server.get(reverse("accounts:sign_in"))

    assert status == 200
    cookies = headers.get_all("Set-Cookie")
    csrf = [cookie for cookie in cookies if cookie.startswith("__Host-csrftoken=")]
    assert len(csrf) == 1
    assert "Secure" in csrf[0]
    assert "Path=/" in csrf[0]


def test_it_serves_hashed_compressed_static_files_through_whitenoise(production_server):
    _, _, body = production_server.get(reverse("accessibility"))
    stylesheet = re.search(r'href="(/static/build/portal\.[0-9a-f]{12}\.css)"', body.decode())
    assert stylesheet, "the page links the hashed stylesheet from the manifest"

    status, headers, css = production_server.get(
        stylesheet.group(1), headers={"Accept-Encoding": "gzip"}
    )

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert len(css) > 1000


def test_the_web_healthcheck_in_compose_passes_against_the_running_portal(production_server):
    code = SERVICES["web"]["healthcheck"]["test"][3]
    assert "127.0.0.1:8000/health.json" in code
    env = {"PATH": production_server.env["PATH"], "DJANGO_ALLOWED_HOSTS": SITE_HOST}

    answered = run_python(code.replace(":8000", f":{production_server.port}"), env)
    nobody = run_python(code.replace(":8000", f":{free_port()}"), env)

    assert answered.returncode == 0, answered.stderr
    assert nobody.returncode != 0


def test_the_beat_healthcheck_in_compose_needs_the_broker_to_answer():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL")
    code = SERVICES["beat"]["healthcheck"]["test"][3]

    answered = run_python(code, production_env(REDIS_URL=redis_url))
    nobody = run_python(code, production_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))

    assert answered.returncode == 0, answered.stderr
    assert nobody.returncode != 0


@pytest.mark.worker
def test_the_worker_healthcheck_in_compose_pings_its_own_worker(celery_worker):
    kind, command = SERVICES["worker"]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    shell_command = command.replace("$$", "$")  # as compose passes it to the container
    own_host = celery_worker.nodename.split("@", 1)[1]
    env = production_env(REDIS_URL=celery_worker.broker_url)

    def run(hostname: str) -> int:
        return subprocess.run(
            ["/bin/sh", "-c", shell_command],
            cwd=BASE_DIR,
            env={**env, "HOSTNAME": hostname},
            capture_output=True,
            timeout=120,
        ).returncode

    assert run(own_host) == 0
    assert run("a-worker-that-is-not-running") != 0


# docker-compose.yml ---------------------------------------------------------------------


def test_compose_describes_web_worker_beat_postgres_redis_and_a_migrate_job():
    assert set(SERVICES) == {"proxy", "migrate", "web", "worker", "beat", "postgres", "redis"}
    assert SERVICES["postgres"]["image"].split(":")[1].split("-")[0] in ("15", "16")
    assert SERVICES["redis"]["image"].split(":")[1].split("-")[0] == "7"
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "csp_portal.wsgi"]
    assert SERVICES["worker"]["command"][:3] == ["celery", "--app=csp_portal", "worker"]
    assert SERVICES["beat"]["command"][:3] == ["celery", "--app=csp_portal", "beat"]
    assert SERVICES["migrate"]["command"] == [
        "sh",
        "-c",
        "python manage.py migrate --noinput && python manage.py load_reference_data",
    ]
    for name in PORTAL_SERVICES:
        assert "build" in SERVICES[name]
        assert SERVICES[name]["image"] == SERVICES["web"]["image"]  # one image for all


def test_every_long_running_service_has_a_healthcheck_and_a_restart_policy():
    expected = {
        "web": "127.0.0.1:8000/health.json",
        "worker": "celery --app=csp_portal inspect ping --destination=worker@$$HOSTNAME",
        "beat": "ensure_connection",
        "postgres": "pg_isready",
        "redis": "redis-cli",
        "proxy": "http://127.0.0.1:2019/config/",
    }
    for name, fragment in expected.items():
        service = SERVICES[name]
        assert fragment in " ".join(service["healthcheck"]["test"]), name
        assert service["restart"] == "unless-stopped", name
    assert SERVICES["migrate"]["restart"] == "no"
    assert "%h" in " ".join(SERVICES["worker"]["command"])  # the name the healthcheck pings


def test_web_and_worker_start_after_the_migrate_job_and_healthy_services():
    for name in ("web", "worker"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["postgres"] == {"condition": "service_healthy"}
        assert depends["redis"] == {"condition": "service_healthy"}
    assert SERVICES["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert SERVICES["beat"]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_the_portal_services_get_the_environment_they_need():
    for name in PORTAL_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "csp_portal.settings.production"
        assert "DJANGO_SECRET_KEY" not in env  # it comes from a secret file
        assert env["DJANGO_SECRET_KEY_FILE"] == "/run/secrets/django_secret_key"
        assert "django_secret_key" in SERVICES[name]["secrets"]
        assert env["DATABASE_URL"].startswith("postgres://csp_portal:")
        assert env["DATABASE_URL"].endswith("@postgres:5432/csp_portal")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "${CSP_HOSTNAME" in env["DJANGO_ALLOWED_HOSTS"]
        assert env["CSP_SITE_URL"].startswith("https://${CSP_HOSTNAME")
        for email in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
            assert email in env, (name, email)
        assert "DEFAULT_FROM_EMAIL" in env
    assert "django_secret_key" in COMPOSE["secrets"]
    postgres = SERVICES["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_every_variable_compose_sets_for_the_portal_is_one_the_portal_reads():
    read = "".join(path.read_text() for path in (BASE_DIR / "csp_portal/settings").glob("*.py"))
    read_elsewhere = {"DJANGO_SETTINGS_MODULE", "WEB_CONCURRENCY"}  # Django, gunicorn
    for name in PORTAL_SERVICES:
        for variable in SERVICES[name]["environment"]:
            if variable in read_elsewhere:
                continue
            setting = variable.removesuffix("_FILE")  # envsecret() reads NAME_FILE
            assert f'"{setting}"' in read, (name, variable)


def test_data_lives_in_named_volumes():
    assert set(COMPOSE["volumes"]) == {
        "pgdata",
        "redisdata",
        "media",
        "beat",
        "caddy_data",
        "caddy_config",
    }
    assert "caddy_data:/data" in SERVICES["proxy"]["volumes"]  # certificates survive
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    for name in ("web", "worker"):  # reports are written by the worker, served by web
        assert (
            f"media:{SERVICES[name]['environment']['CSP_MEDIA_ROOT']}"
            in (SERVICES[name]["volumes"])
        )


def test_compose_config_is_valid_for_the_docker_compose_client(tmp_path):
    if shutil.which("docker-compose"):
        command = ["docker-compose"]
    elif (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        command = ["docker", "compose"]
    else:
        pytest.skip("no docker compose client on this machine")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "CSP_HOSTNAME": SITE_HOST,
        "POSTGRES_PASSWORD": "a-long-random-password",
        "EMAIL_HOST": "smtp.example.org",
        "DEFAULT_FROM_EMAIL": "no-reply@example.org",
    }

    result = subprocess.run(
        [*command, "--project-directory", str(BASE_DIR), "-f", "docker-compose.yml", "config"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    web_env = resolved["services"]["web"]["environment"]
    assert web_env["DJANGO_ALLOWED_HOSTS"] == SITE_HOST
    assert web_env["DATABASE_URL"] == (
        "postgres://csp_portal:a-long-random-password@postgres:5432/csp_portal"
    )


# The reverse proxy (deploy/Caddyfile) ------------------------------------------------------

CADDYFILE = BASE_DIR / "deploy" / "Caddyfile"


def caddy_directives() -> list[list[str]]:
    """The Caddyfile's lines as words, comments dropped."""
    lines = (line.split("#", 1)[0].split() for line in CADDYFILE.read_text().splitlines())
    return [words for words in lines if words]


def test_only_the_proxy_is_published_and_it_forwards_to_web():
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith("caddy:2")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert proxy["environment"]["CSP_UPSTREAM"] == "web:8000"
    assert "${CSP_HOSTNAME" in proxy["environment"]["CSP_HOSTNAME"]
    assert proxy["depends_on"]["web"] == {"condition": "service_healthy"}
    for name, service in SERVICES.items():
        if name != "proxy":
            assert "ports" not in service, name  # reached only over the compose network
    directives = caddy_directives()
    assert ["{$CSP_HOSTNAME}", "{"] in directives  # the site: TLS for the public name
    assert ["reverse_proxy", "{$CSP_UPSTREAM:web:8000}", "{"] in directives


def test_the_proxy_caps_bodies_at_the_portals_own_request_body_limit():
    directives = caddy_directives()
    assert ["max_size", "{$CSP_REQUEST_BODY_MAX_BYTES}"] in directives
    proxy_cap = SERVICES["proxy"]["environment"]["CSP_REQUEST_BODY_MAX_BYTES"]
    assert proxy_cap == SERVICES["web"]["environment"]["CSP_REQUEST_BODY_MAX_BYTES"]
    default = int(proxy_cap.split(":-", 1)[1].rstrip("}"))  # ${CSP_REQUEST_BODY_MAX_BYTES:-N}

    # The portal's limit when nothing sets it, and as compose sets it: the proxy's number.
    unset = production_settings("REQUEST_BODY_MAX_BYTES", "DATA_UPLOAD_MAX_MEMORY_SIZE")
    assert unset == {"REQUEST_BODY_MAX_BYTES": default, "DATA_UPLOAD_MAX_MEMORY_SIZE": default}
    assert test_settings.REQUEST_BODY_MAX_BYTES == default
    loaded = production_settings(
        "REQUEST_BODY_MAX_BYTES", "UPLOAD_MAX_BYTES", CSP_REQUEST_BODY_MAX_BYTES="3000000"
    )
    assert loaded["REQUEST_BODY_MAX_BYTES"] == 3000000
    # The largest upload still fits, with room for the form around it.
    from performance import uploads

    assert uploads.UPLOAD_MAX_BYTES <= test_settings.UPLOAD_MAX_BYTES < default


def test_the_proxy_writes_the_client_address_and_web_trusts_exactly_one_proxy():
    directives = caddy_directives()
    assert ["header_up", "X-Forwarded-For", "{remote_host}"] in directives
    assert ["header_up", "X-Forwarded-Proto", "{scheme}"] in directives
    assert SERVICES["web"]["environment"]["CSP_TRUSTED_PROXY_COUNT"] == "1"
    assert production_settings("CSP_TRUSTED_PROXY_COUNT", CSP_TRUSTED_PROXY_COUNT="1") == {
        "CSP_TRUSTED_PROXY_COUNT": 1
    }
    # Reached directly (no proxy setting), X-Forwarded-For is not believed.
    assert production_settings("CSP_TRUSTED_PROXY_COUNT") == {"CSP_TRUSTED_PROXY_COUNT": 0}


def test_the_caddyfile_is_valid_for_caddy(tmp_path):
    if not shutil.which("caddy"):
        pytest.skip("caddy is not installed here")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "CSP_HOSTNAME": SITE_HOST,
        "CSP_REQUEST_BODY_MAX_BYTES": str(test_settings.REQUEST_BODY_MAX_BYTES),
    }

    result = subprocess.run(
        ["caddy", "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: says what reached it."""

    received: list[dict] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {"bytes": len(body), "x_forwarded_for": self.headers.get("X-Forwarded-For")}
        self.received.append(seen)
        answer = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def caddy_in_front(tmp_path) -> Iterator[int]:
    """deploy/Caddyfile run by caddy on plain HTTP, in front of _Upstream; the port."""
    if not shutil.which("caddy"):
        pytest.skip("caddy is not installed here")
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    _Upstream.received = []
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "CSP_HOSTNAME": f"http://:{port}",
        "CSP_REQUEST_BODY_MAX_BYTES": str(test_settings.REQUEST_BODY_MAX_BYTES),
        "CSP_UPSTREAM": f"127.0.0.1:{upstream.server_address[1]}",
    }
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(  # noqa: S603
            ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail("caddy did not start:\n" + log.read()[-4000:])
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)
            upstream.shutdown()


def _post_through(port: int, path: str, body: bytes, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _start_post(port: int, path: str, length: int):
    """Declare a body of ``length`` bytes, send the first few, and read the answer (a
    proxy that refuses it answers without waiting for the rest)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {SITE_HOST}\r\nContent-Length: {length}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + b"x" * 65536
        )
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.headers, response.read()


def test_caddy_refuses_a_body_over_the_limit_before_forwarding_it(caddy_in_front):
    too_big = 20 * 1024 * 1024

    status, headers, body = _start_post(caddy_in_front, "/api/v1/returns/", too_big)
    page_status, _, _ = _start_post(caddy_in_front, "/accounts/sign-in/", too_big)

    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"detail": "The request body is too large."}
    assert page_status == 413
    assert _Upstream.received == []  # nothing reached the portal


def test_caddy_forwards_a_body_within_the_limit_and_the_client_address(caddy_in_front):
    body = b"x" * (test_settings.UPLOAD_MAX_BYTES)

    status, _, answer = _post_through(
        caddy_in_front, "/upload/", body, headers={"X-Forwarded-For": "192.0.2.66"}
    )

    assert status == 200
    # Whole, and with the address that connected to Caddy, not the one the client wrote.
    assert json.loads(answer) == {"bytes": len(body), "x_forwarded_for": "127.0.0.1"}


# Dockerfile and .dockerignore ---------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerignored() -> set[str]:
    lines = (BASE_DIR / ".dockerignore").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_the_dockerfile_builds_the_front_end_then_a_slim_python_image_run_by_a_user():
    instructions = dockerfile_instructions()
    stages = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert stages[0].startswith("node:")
    assert stages[0].endswith(" AS frontend")
    assert stages[-1].startswith("python:3.11-slim")
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "npm ci" in runs
    assert "npm run build" in runs
    assert "manage.py collectstatic --noinput" in runs
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in runs
    assert "fonts-liberation" in runs  # Arial's metrics, for PDFs
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    assert "COPY --from=frontend /build/static/build ./static/build" in [
        f"{keyword} {rest}" for keyword, rest in instructions
    ]
    cmd = json.loads(next(rest for keyword, rest in reversed(instructions) if keyword == "CMD"))
    assert cmd[:2] == ["gunicorn", "csp_portal.wsgi"]


def test_what_the_dockerfile_copies_exists_and_is_not_dockerignored():
    ignored = dockerignored()
    for keyword, rest in dockerfile_instructions():
        if keyword != "COPY" or rest.startswith("--from="):
            continue
        *sources, _destination = rest.split()
        for source in sources:
            assert (BASE_DIR / source).exists(), source
            assert source not in ignored, source


def test_the_image_gets_everything_the_portal_runs_and_no_secrets():
    ignored = dockerignored()
    needed = [
        "manage.py",
        "pyproject.toml",
        "package.json",
        "package-lock.json",
        "templates",
        "static",
        "fixtures",
        *(app for app in test_settings.LOCAL_APPS),
    ]
    for path in needed:
        assert path not in ignored, path
        assert not any(path.startswith(f"{pattern}/") for pattern in ignored), path
    for secret in (".env", "secrets", ".git"):
        assert secret in ignored, secret
    assert "node_modules" in ignored  # the frontend stage installs its own
    assert "static/build" in ignored  # and builds its own
