"""docker-compose.yml and the Dockerfile name only real things: modules, apps, commands, settings.

There is no Docker engine in the test run, so these tests read the two files and check every
reference in them against the code: the WSGI callable gunicorn serves, the Celery app and its
beat tasks, the management commands, the variables the settings read, the healthcheck URL.
Compose `${VAR:-default}` interpolation is resolved as with an empty environment.
"""

from __future__ import annotations

import inspect
import json
import re
import shlex
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import click
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.bin.base import CLIContext
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve
from django.utils.module_loading import import_string
from gunicorn.config import Config as GunicornConfig

import portal

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_SOURCE = ROOT / "portal" / "settings.py"

SERVICES = ("web", "worker", "beat", "db", "redis")
APP_SERVICES = ("web", "worker", "beat")
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_flag)\(\s*["'](\w+)["']|os\.environ\[\s*["'](\w+)["']\s*\]"""
)
SHELL_SEPARATORS = re.compile(r"&&|\|\||;")


# --- Reading the files ---------------------------------------------------------------------------


def interpolate(value):
    """Compose's variable substitution with no variables set: defaults apply, `:?` ones are
    replaced by a placeholder, `$$` is a literal dollar."""
    if isinstance(value, dict):
        return {key: interpolate(item) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match["op"] in (":-", "-"):
            return match["arg"]
        if match["op"] in (":?", "?"):
            return f"<{match['name']}>"
        return ""

    return INTERPOLATION.sub(substitute, value.replace("$$", "\0")).replace("\0", "$")


@cache
def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@cache
def compose() -> dict:
    return interpolate(raw_compose())


def service(name: str) -> dict:
    return compose()["services"][name]


def environment(name: str, *, raw: bool = False) -> dict[str, str]:
    env = (raw_compose() if raw else compose())["services"][name].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def argv_of(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def simple_commands(argv: list[str]) -> list[list[str]]:
    """The programs a command line runs: `sh -c "a && exec b"` is [a, b]; a plain argv is itself."""
    if len(argv) >= 3 and Path(argv[0]).name in ("sh", "bash") and argv[1] == "-c":
        commands = []
        for part in SHELL_SEPARATORS.split(argv[2]):
            words = shlex.split(part)
            while words and (words[0] == "exec" or re.fullmatch(r"\w+=\S*", words[0])):
                words = words[1:]
            if words:
                commands.append(words)
        return commands
    return [argv]


def service_commands(name: str) -> list[list[str]]:
    command = service(name).get("command")
    return simple_commands(argv_of(command)) if command else []


def healthcheck_argv(name: str) -> list[str]:
    test = service(name)["healthcheck"]["test"]
    if isinstance(test, str):
        return ["sh", "-c", test]
    if test[0] == "CMD":
        return test[1:]
    if test[0] == "CMD-SHELL":
        return ["sh", "-c", test[1]]
    raise AssertionError(f"{name}: unexpected healthcheck test {test!r}")


@cache
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\s*\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_args(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile() if instruction == keyword]


def dockerfile_exec_form(keyword: str) -> list[str]:
    """The last CMD or ENTRYPOINT as an argv (exec form, or shell form wrapped in sh -c)."""
    found = dockerfile_args(keyword)
    if not found:
        return []
    text = found[-1]
    return json.loads(text) if text.startswith("[") else ["/bin/sh", "-c", text]


def dockerfile_default_command() -> list[str]:
    return dockerfile_exec_form("ENTRYPOINT") + dockerfile_exec_form("CMD")


def dockerfile_env() -> dict[str, str]:
    env = {}
    for arguments in dockerfile_args("ENV"):
        words = shlex.split(arguments)
        if len(words) == 2 and "=" not in words[0]:
            env[words[0]] = words[1]
        else:
            env.update(word.split("=", 1) for word in words)
    return env


def dockerfile_run_commands() -> list[list[str]]:
    return [cmd for arguments in dockerfile_args("RUN") for cmd in simple_commands(["sh", "-c", arguments])]


def every_command() -> list[tuple[str, list[str]]]:
    """(where, argv) for every program the app services and the image run."""
    found = [(name, argv) for name in APP_SERVICES for argv in service_commands(name)]
    found += [("Dockerfile CMD", argv) for argv in simple_commands(dockerfile_default_command())]
    found += [("Dockerfile RUN", argv) for argv in dockerfile_run_commands()]
    return found


def gunicorn_options(argv: list[str]):
    assert Path(argv[0]).name == "gunicorn"
    return GunicornConfig().parser().parse_args(argv[1:])


def gunicorn_commands() -> list[tuple[str, list[str]]]:
    return [(where, argv) for where, argv in every_command() if Path(argv[0]).name == "gunicorn"]


def celery_command(argv: list[str]) -> tuple[Celery, str, click.Context]:
    """Parse `celery -A app <sub> ...` with Celery's own CLI; raises on an unknown option."""
    assert Path(argv[0]).name == "celery"
    position = next(i for i, word in enumerate(argv) if word in celery_cli.commands)
    context = celery_cli.make_context("celery", argv[1:position])
    app = find_app(context.params["app"])
    context.obj = CLIContext(app=app, no_color=True, workdir=None, quiet=True)
    name = argv[position]
    return app, name, celery_cli.commands[name].make_context(name, argv[position + 1 :], parent=context)


@cache
def settings_reads() -> frozenset[str]:
    source = SETTINGS_SOURCE.read_text(encoding="utf-8")
    return frozenset(a or b for a, b in ENV_READ.findall(source))


def bind_port(argv: list[str]) -> int:
    (bind,) = gunicorn_options(argv).bind
    return int(bind.rsplit(":", 1)[1])


# --- The services ---------------------------------------------------------------------------------


def test_the_compose_file_defines_web_worker_beat_db_and_redis():
    assert set(SERVICES) <= set(compose()["services"])


def test_web_worker_and_beat_run_one_image_built_from_the_dockerfile():
    builds = {json.dumps(service(name).get("build"), sort_keys=True) for name in APP_SERVICES}
    images = {service(name).get("image") for name in APP_SERVICES}
    assert len(builds) == 1, builds
    assert len(images) == 1 and None not in images, images

    build = service("web")["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = (COMPOSE_FILE.parent / build.get("context", ".")).resolve()
    assert context == ROOT
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE
    assert DOCKERFILE.is_file()


def test_db_is_postgres_15_and_redis_is_redis_7_each_with_a_named_volume():
    assert service("db")["image"].startswith("postgres:15")
    assert service("redis")["image"].startswith("redis:7")
    named = set(compose().get("volumes") or {})
    for name in ("db", "redis"):
        sources = {volume.split(":", 1)[0] for volume in service(name).get("volumes", [])}
        assert sources & named, f"{name} keeps its data in no named volume"


# --- Commands name real code -----------------------------------------------------------------------


def test_every_gunicorn_command_serves_a_real_wsgi_callable():
    commands = gunicorn_commands()
    assert {where for where, _ in commands} >= {"web", "Dockerfile CMD"}
    for where, argv in commands:
        (target,) = gunicorn_options(argv).args
        application = import_string(target.replace(":", "."))
        assert callable(application), f"{where}: {target} is not callable"
        inspect.signature(application).bind({}, lambda status, headers: None)  # (environ, start_response)
        assert target == settings.WSGI_APPLICATION.replace(".application", ":application")


def test_gunicorn_listens_on_the_port_the_image_exposes_and_web_publishes():
    exposed = {int(port.split("/")[0]) for ports in dockerfile_args("EXPOSE") for port in ports.split()}
    published = {int(str(mapping).rsplit(":", 1)[1]) for mapping in service("web").get("ports", [])}
    for where, argv in gunicorn_commands():
        port = bind_port(argv)
        assert port in exposed, f"{where}: binds {port}, the image exposes {exposed}"
        assert port in published, f"{where}: binds {port}, web publishes {published}"
        assert gunicorn_options(argv).bind[0].startswith("0.0.0.0:"), "reachable from outside the container"


def test_the_dockerfile_cmd_is_the_gunicorn_command_web_runs():
    (image_default,) = [argv for where, argv in gunicorn_commands() if where == "Dockerfile CMD"]
    (web,) = [argv for where, argv in gunicorn_commands() if where == "web"]
    image_options, web_options = gunicorn_options(image_default), gunicorn_options(web)
    assert image_options.args == web_options.args
    assert image_options.bind == web_options.bind
    assert image_options.workers == web_options.workers


def test_the_celery_commands_load_the_portal_app_with_valid_options():
    expected = {"worker": "worker", "beat": "beat"}
    for name, subcommand in expected.items():
        (argv,) = service_commands(name)
        app, parsed, _ = celery_command(argv)  # unknown options or values raise here
        assert parsed == subcommand
        assert isinstance(app, Celery)
        assert app is portal.celery_app


def test_the_beat_schedule_only_names_tasks_the_worker_registers():
    app = portal.celery_app
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE, "beat would have nothing to send"
    assert app.conf.beat_schedule.keys() == settings.CELERY_BEAT_SCHEDULE.keys()
    for entry, spec in settings.CELERY_BEAT_SCHEDULE.items():
        assert spec["task"] in app.tasks, f"{entry}: {spec['task']} is not a registered task"


def test_beat_keeps_its_schedule_file_where_the_non_root_user_may_write():
    (argv,) = service_commands("beat")
    _, _, context = celery_command(argv)
    assert context.params["schedule"].startswith("/tmp/")


def test_every_manage_py_command_is_a_real_management_command():
    known = get_commands()
    used = [
        (where, argv[2])
        for where, argv in every_command()
        if argv[:2] == ["python", "manage.py"] and len(argv) > 2
    ]
    assert {name for _, name in used} >= {"migrate", "compile_translations", "collectstatic"}
    for where, name in used:
        assert name in known, f"{where}: manage.py has no command {name!r}"


def test_web_migrates_the_database_before_gunicorn_starts():
    programs = [argv[0] if argv[0] != "python" else " ".join(argv[:3]) for argv in service_commands("web")]
    assert "python manage.py migrate" in programs
    assert programs.index("python manage.py migrate") < programs.index("gunicorn")


def test_the_image_bakes_in_translations_and_static_files():
    runs = [" ".join(argv) for argv in dockerfile_run_commands()]
    assert any(run.startswith("python manage.py compile_translations") for run in runs)
    assert any(run.startswith("python manage.py collectstatic") and "--noinput" in run for run in runs)


# --- Environment ---------------------------------------------------------------------------------


def test_django_settings_module_if_set_is_portal_settings():
    for name in APP_SERVICES:
        assert environment(name).get("DJANGO_SETTINGS_MODULE", "portal.settings") == "portal.settings"
    assert dockerfile_env().get("DJANGO_SETTINGS_MODULE", "portal.settings") == "portal.settings"


def test_every_variable_given_to_the_app_containers_is_read_by_the_settings():
    for name in APP_SERVICES:
        unknown = set(environment(name)) - settings_reads() - {"DJANGO_SETTINGS_MODULE"}
        assert not unknown, f"{name} sets variables portal/settings.py never reads: {sorted(unknown)}"


def test_the_app_containers_use_the_compose_postgres_and_redis():
    db_env = environment("db")
    for name in APP_SERVICES:
        env = environment(name)
        database = urlsplit(env["DATABASE_URL"])
        assert database.scheme in ("postgres", "postgresql", "postgis")
        assert database.hostname == "db"
        assert (database.port or 5432) == 5432
        assert database.username == db_env["POSTGRES_USER"]
        assert database.password == db_env["POSTGRES_PASSWORD"]
        assert database.path.lstrip("/") == db_env.get("POSTGRES_DB", db_env["POSTGRES_USER"])

        redis = urlsplit(env["REDIS_URL"])
        assert redis.scheme == "redis"
        assert redis.hostname == "redis"
        assert (redis.port or 6379) == 6379


def test_the_secret_key_must_be_supplied_and_is_never_baked_into_the_image():
    for name in APP_SERVICES:
        assert re.fullmatch(
            r"\$\{DJANGO_SECRET_KEY:\?[^}]*\}", environment(name, raw=True)["DJANGO_SECRET_KEY"]
        )
    assert "DJANGO_SECRET_KEY" not in dockerfile_env()
    assert "DJANGO_SECRET_KEY" not in " ".join(dockerfile_args("ARG"))


def test_the_local_stack_does_not_redirect_plain_http_to_https():
    for name in APP_SERVICES:
        assert environment(name).get("DJANGO_SECURE_SSL_REDIRECT") in ("0", "false", "no", "off")
        assert environment(name).get("DJANGO_DEBUG", "0") in ("", "0"), "production settings, not DEBUG"


def test_uploaded_files_live_in_one_named_volume_shared_by_web_and_worker():
    named = set(compose().get("volumes") or {})
    mounts = set()
    for name in ("web", "worker"):
        root = environment(name)["PRIVATE_MEDIA_ROOT"]
        mounted = {
            volume.split(":")[0]
            for volume in service(name).get("volumes", [])
            if volume.split(":")[1].rstrip("/") == root.rstrip("/")
        }
        assert mounted & named, f"{name}: PRIVATE_MEDIA_ROOT={root} is not a named volume"
        mounts |= mounted
    assert len(mounts) == 1, mounts


# --- Health and start-up order ---------------------------------------------------------------------


def test_db_redis_and_web_have_healthchecks():
    for name in ("db", "redis", "web"):
        assert healthcheck_argv(name), f"{name} has no healthcheck"
    assert "pg_isready" in " ".join(healthcheck_argv("db"))
    assert "redis-cli ping" in " ".join(healthcheck_argv("redis"))


def test_the_web_healthcheck_requests_a_real_page_on_an_allowed_host_and_port():
    argv = healthcheck_argv("web")
    assert argv[:2] == ["python", "-c"]
    code = argv[2]
    compile(code, "<web healthcheck>", "exec")
    (url,) = re.findall(r"https?://[^'\"\s]+", code)
    parts = urlsplit(url)
    allowed = [host.strip() for host in environment("web")["DJANGO_ALLOWED_HOSTS"].split(",")]
    assert parts.hostname in allowed, f"{parts.hostname} is not in DJANGO_ALLOWED_HOSTS {allowed}"
    (web,) = [argv for where, argv in gunicorn_commands() if where == "web"]
    assert parts.port == bind_port(web)
    resolve(parts.path)  # raises Resolver404 for a page that does not exist


def test_the_app_services_wait_until_db_and_redis_are_healthy():
    for name in APP_SERVICES:
        depends_on = service(name).get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions, not a list"
        for needed in ("db", "redis"):
            assert depends_on[needed]["condition"] == "service_healthy", f"{name} -> {needed}"


# --- The Dockerfile ------------------------------------------------------------------------------


def test_the_dockerfile_builds_on_python_3_11_and_installs_requirements_txt():
    (base,) = dockerfile_args("FROM")
    assert base.startswith("python:3.11")
    copies = " ".join(dockerfile_args("COPY"))
    assert "requirements.txt" in copies or re.search(r"(^|\s)\.\s", copies)
    installs = [argv for argv in dockerfile_run_commands() if "pip" in " ".join(argv[:3])]
    assert any("-r" in argv and argv[argv.index("-r") + 1] == "requirements.txt" for argv in installs)
    assert (ROOT / "requirements.txt").is_file()
    assert "gunicorn" in (ROOT / "requirements.txt").read_text(encoding="utf-8")


def test_the_image_runs_as_a_non_root_user():
    users = dockerfile_args("USER")
    assert users, "no USER: the container would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_the_build_context_leaves_out_secrets_and_local_state():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    assert {".env", ".git", ".venv", "db.sqlite3"} <= ignored


# --- Documentation -------------------------------------------------------------------------------


def test_every_variable_the_settings_read_is_documented_in_env_example():
    assert ENV_EXAMPLE.is_file(), ".env.example is missing"
    documented = set(
        re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    )
    missing = settings_reads() - documented
    assert not missing, f".env.example does not document {sorted(missing)}"
