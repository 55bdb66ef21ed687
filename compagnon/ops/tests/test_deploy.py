"""The deployment files hold together: compose.yaml, the Containerfile, the Caddyfile and
the systemd units. No container engine runs here, so these check structure and the
names each file uses (commands, queues, paths) against the code, not a running stack."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.utils.module_loading import import_string

from compagnon.ops.schedule import TICKS

ROOT = Path(__file__).resolve().parents[3]
SYSTEMD = ROOT / "deploy" / "systemd"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _manage_commands(command: list[str]) -> list[str]:
    text = " ".join(command)
    return re.findall(r"manage\.py (\w+)", text)


def test_compose_has_the_whole_stack(compose):
    services = compose["services"]
    assert {"proxy", "web", "migrate", "scheduler", "postgres", "redis"} <= set(services)
    workers = {name: s for name, s in services.items() if "rqworker" in s.get("command", [])}
    queues = {s["command"][s["command"].index("rqworker") + 1] for s in workers.values()}
    assert queues == set(settings.TASK_QUEUES)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["proxy"]["image"].startswith("docker.io/library/caddy")
    assert set(services["proxy"]["ports"]) >= {"80:80", "443:443"}


def test_compose_app_services_share_the_environment_and_volumes(compose):
    for name in ("web", "worker-email", "scheduler", "migrate"):
        service = compose["services"][name]
        env = service["environment"]
        assert env["TASKS_BACKEND"] == "rq"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DATABASE_URL"].startswith("postgres://compagnon:")
        assert "media:/srv/compagnon/var/media" in service["volumes"]
        assert "private:/srv/compagnon/var/private" in service["volumes"]
    web_deps = compose["services"]["web"]["depends_on"]
    assert web_deps["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" not in compose["services"]["migrate"]["depends_on"]
    # Private files are never mounted where the proxy serves files.
    assert not any("private" in v for v in compose["services"]["proxy"]["volumes"])


def test_every_command_named_in_compose_and_systemd_exists(compose):
    known = set(get_commands()) | {"rqworker"}
    used = []
    for service in compose["services"].values():
        used += _manage_commands(service.get("command", []))
        used += _manage_commands(service.get("healthcheck", {}).get("test", []))
    for unit in SYSTEMD.glob("*.service"):
        used += [c for c in re.findall(r"manage\.py (\S+)", unit.read_text()) if c != "%i"]
    used += [tick.command for tick in TICKS]
    assert used and set(used) <= known, set(used) - known


def test_containerfile_is_multistage_non_root_with_a_healthcheck():
    text = (ROOT / "Containerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", text, flags=re.M)
    assert stages == ["builder", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    users = re.findall(r"^USER (\S+)", runtime, flags=re.M)
    assert users and not users[-1].startswith(("root", "0"))
    assert "HEALTHCHECK" in runtime
    assert "collectstatic" in text.split("AS runtime", 1)[0]
    assert "npm ci" in text and "uv sync --frozen --no-dev" in text
    for copied in re.findall(r"^COPY --from=builder /srv/compagnon/(\S+)", runtime, flags=re.M):
        assert copied == "var/static" or (ROOT / copied).exists(), copied


def test_caddy_proxies_to_web_checks_healthz_and_hides_metrics():
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    assert text.count("{") == text.count("}")
    assert "reverse_proxy" in text and "name web" in text and "port 8000" in text
    assert "health_uri /healthz" in text
    assert re.search(r"@metrics path /metrics.*\n\s*respond @metrics 404", text)
    assert "X-Request-ID" in text


@pytest.mark.parametrize("unit", sorted(p.name for p in SYSTEMD.iterdir()))
def test_systemd_units_parse(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read(SYSTEMD / unit)
    assert "Unit" in parser
    if unit.endswith(".service"):
        service = parser["Service"]
        assert service["User"] == "compagnon"
        assert service["ExecStart"].startswith("/srv/compagnon/.venv/bin/")
        assert service["WorkingDirectory"] == "/srv/compagnon"
    if unit.endswith(".timer"):
        assert "OnCalendar" in parser["Timer"] or "OnUnitActiveSec" in parser["Timer"]


def test_the_gunicorn_config_and_container_probe_compile():
    for path in ("deploy/gunicorn.conf.py", "deploy/container-healthcheck.py"):
        compile((ROOT / path).read_text(), path, "exec")


def test_every_periodic_command_is_scheduled():
    """A `*_tick` command (or the chat digest) that the scheduler does not know would never
    run in a stack without cron: each app's periodic work is in TICKS."""
    periodic = {
        name
        for name, app in get_commands().items()
        if app.startswith("compagnon") and (name.endswith("_tick") or name == "chat_digest")
    }
    scheduled = {tick.command for tick in TICKS}
    assert periodic <= scheduled, periodic - scheduled
    for tick in TICKS:
        assert import_string(tick.task_path), tick


# Read by a library, not by our code: boto3 (django-storages) takes the AWS keys itself.
LIBRARY_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def _names_read_by_the_code() -> set[str]:
    settings_text = (ROOT / "compagnon" / "settings.py").read_text()
    names = set(re.findall(r"env_\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_text))
    for path in ("deploy/gunicorn.conf.py", "deploy/container-healthcheck.py"):
        names |= set(
            re.findall(r"environ\.get\(\s*\"([A-Z][A-Z0-9_]*)\"", (ROOT / path).read_text())
        )
    return names


def _compose_interpolated() -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "compose.yaml").read_text()))


def test_every_variable_compose_passes_is_read(compose):
    """A variable in the app's environment or in compose.env.example that nothing reads is
    a setting an operator believes in and the site ignores."""
    read = _names_read_by_the_code()
    app = {name for name, service in compose["services"].items() if "build" in service}
    assert {"web", "migrate", "scheduler", "backup"} <= app
    passed = {name for service in app for name in compose["services"][service]["environment"]}
    assert passed - read == set(), passed - read
    example = ROOT / "deploy" / "compose.env.example"
    in_example = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example.read_text(), flags=re.M))
    unread = in_example - read - LIBRARY_ENV - _compose_interpolated()
    assert unread == set(), unread


def test_the_proxy_gets_every_variable_its_caddyfile_reads_and_none_is_optional(compose):
    """Caddy substitutes {$VAR} before parsing: an empty ACME_EMAIL leaves `email` without its
    argument and Caddy refuses the whole file (seen with caddy 2.6.2 `caddy validate`)."""
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    used = set(re.findall(r"\{\$([A-Z][A-Z0-9_]*)\}", caddyfile))
    environment = compose["services"]["proxy"]["environment"]
    assert used and used <= set(environment)
    for name in used:
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", environment[name]), environment[name]


def test_compose_healthchecks_name_real_checks(compose):
    from compagnon.ops.health import CHECKS

    probes = 0
    for name, service in compose["services"].items():
        test = service.get("healthcheck", {}).get("test", [])
        if "manage.py" in test:
            only = test[test.index("--only") + 1].split(",")
            assert set(only) <= set(CHECKS), (name, only)
            probes += 1
    assert probes >= 5  # the workers and the scheduler
    containerfile = (ROOT / "Containerfile").read_text()
    probe = re.search(r'HEALTHCHECK .*\n\s*CMD \["python", "([^"]+)"\]', containerfile)
    assert probe and (ROOT / probe.group(1)).is_file()


def test_compose_volumes_land_where_the_image_lets_the_app_write(compose):
    """Each named volume mounted under /srv/compagnon/var is a folder the runtime stage
    creates and gives to the compagnon user (a fresh named volume copies its owner), and
    the proxy serves media from the folder its Caddyfile names."""
    runtime = (ROOT / "Containerfile").read_text().split("AS runtime", 1)[1]
    chowned = re.search(r"chown compagnon:compagnon ([^\n\\]+)", runtime)
    assert chowned
    owned = {f"/srv/compagnon/{path}" for path in chowned.group(1).split()}
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if target.startswith("/srv/compagnon/"):
                assert source in compose["volumes"], (name, volume)
                assert target in owned, (name, volume)
    caddy_root = re.search(r"root \* (\S+)", (ROOT / "deploy" / "Caddyfile").read_text())
    assert (
        caddy_root and f"media:{caddy_root.group(1)}:ro" in compose["services"]["proxy"]["volumes"]
    )
    assert "backups:/srv/compagnon/var/backups" in compose["services"]["backup"]["volumes"]


def test_the_runtime_user_and_group_are_both_10001():
    """`useradd --system --user-group` gave the group a system gid (999, seen in the
    rehearsal): then `--user 10001:10001` or a pod's runAsGroup no longer owns var/."""
    runtime = (ROOT / "Containerfile").read_text().split("AS runtime", 1)[1]
    group = re.search(r"groupadd --system --gid (\d+) compagnon", runtime)
    user = re.search(r"useradd --system --uid (\d+) --gid compagnon ", runtime)
    assert group and user and group.group(1) == user.group(1) == "10001"
    assert not re.search(r"^[^#]*useradd[^\n]*--user-group", runtime, flags=re.M)


def test_the_builder_brings_what_it_runs_after_uv_sync_no_dev():
    """The builder ran `python -m compagnon.core.i18n compile` with the --no-dev virtualenv,
    where polib (a dev dependency) is missing: the build stopped at ModuleNotFoundError
    (seen in the rehearsal). The compile gets polib's locked version from uv.lock."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime_names = {
        re.split(r"[<>=\[ ;]", dep, maxsplit=1)[0] for dep in project["project"]["dependencies"]
    }
    builder = (ROOT / "Containerfile").read_text().split("AS runtime", 1)[0]
    compile_run = re.search(r"RUN ((?:.*\\\n)*.*compagnon\.core\.i18n compile)", builder)
    assert compile_run
    if "polib" not in runtime_names:
        step = compile_run.group(1)
        assert "uv export --frozen --only-group dev" in step and "'^polib=='" in step
        assert (
            "--with-requirements" in step and ".venv/bin/python -m compagnon.core.i18n" not in step
        )


def test_the_front_end_check_accepts_the_collected_copy_in_the_image(settings, tmp_path):
    """The runtime image has var/static/vendor but no node_modules: `check --deploy` warned
    compagnon.W001 there (seen in the rehearsal). It warns only when neither copy exists."""
    from compagnon.core.checks import front_end_packages_installed

    settings.NODE_MODULES = tmp_path / "node_modules"
    settings.STATIC_ROOT = tmp_path / "static"
    assert [w.id for w in front_end_packages_installed(None)] == ["compagnon.W001"]
    collected = settings.STATIC_ROOT / "vendor" / "htmx" / "htmx.min.js"
    collected.parent.mkdir(parents=True)
    collected.write_text("/* htmx */")
    assert front_end_packages_installed(None) == []


def test_gunicorn_writes_nothing_in_the_read_only_app_folder(monkeypatch):
    """The app's home (/srv/compagnon) belongs to root in the image; gunicorn 25+ puts its
    control socket in $HOME/.gunicorn unless told otherwise (seen in the rehearsal)."""
    import tempfile

    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    monkeypatch.delenv("METRICS_TOKEN", raising=False)
    namespace: dict = {}
    exec(
        compile((ROOT / "deploy/gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"),
        namespace,
    )
    assert Path(namespace["control_socket"]).parent == Path(tempfile.gettempdir())


def test_the_proxy_mounts_files_that_exist_and_both_ignore_files_agree(compose):
    """Podman reads .containerignore, Docker .dockerignore: the same context for both."""
    for volume in compose["services"]["proxy"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).is_file(), volume
    assert (ROOT / ".containerignore").read_text() == (ROOT / ".dockerignore").read_text()
