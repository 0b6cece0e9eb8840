"""The Kubernetes manifests (deploy/, issue "Scale", beyond one box), read as data, since CI has no
cluster: the shape a whole country's deployment needs — web pods behind an autoscaler and a
Service, probes on /healthz/, workers, one beat, the migrations as a Job — each command checked
against the code, every variable they set documented in .env.example, no secret in them.
(`make lint` checks them against the Kubernetes schemas and checkov's security checks.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def resources() -> list[dict]:
    found = []
    for path in sorted(DEPLOY.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def one(kind: str, name: str) -> dict:
    (found,) = [r for r in resources() if r["kind"] == kind and r["metadata"]["name"] == name]
    return found


def pod(resource: dict) -> dict:
    return resource["spec"]["template"]["spec"]


def containers() -> list[tuple[dict, dict]]:
    return [(r, c) for r in resources() if "template" in r.get("spec", {}) for c in pod(r)["containers"]]


def test_kustomization_lists_every_manifest_and_pins_the_image():
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    files = {path.name for path in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    (image,) = kustomization["images"]
    assert image["newTag"] and image["newTag"] != "latest"
    for _resource, container in containers():
        assert container["image"] == f"{image['name']}:{image['newTag']}", container["name"]


def test_the_web_pods_run_gunicorn_behind_a_service_and_an_autoscaler():
    web = one("Deployment", "portal-web")
    (container,) = pod(web)["containers"]
    assert container["command"][:2] == ["gunicorn", "portal.wsgi:application"]
    assert "replicas" not in web["spec"]  # the autoscaler owns the count
    service = one("Service", "portal-web")
    assert service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]
    hpa = one("HorizontalPodAutoscaler", "portal-web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "portal-web",
    }
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def test_the_probes_ask_the_health_endpoint():
    (container,) = pod(one("Deployment", "portal-web"))["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        path = container[probe]["httpGet"]["path"]
        assert path == "/healthz/" and resolve(path).url_name == "healthz"


def test_workers_any_number_beat_exactly_one_migrations_a_job():
    (worker,) = pod(one("Deployment", "portal-worker"))["containers"]
    assert worker["command"][:4] == ["celery", "-A", "portal", "worker"]
    beat = one("Deployment", "portal-beat")
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}
    assert pod(beat)["containers"][0]["command"][:4] == ["celery", "-A", "portal", "beat"]
    job = one("Job", "portal-migrate")
    (migrate,) = pod(job)["containers"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert pod(job)["restartPolicy"] == "Never"


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_every_pod_is_locked_down_and_sized(kind):
    for resource, container in containers():
        if resource["kind"] != kind:
            continue
        spec = pod(resource)
        assert (
            spec["securityContext"]["runAsNonRoot"] is True and spec["automountServiceAccountToken"] is False
        )
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
        assert {"cpu", "memory"} <= container["resources"]["limits"].keys()
        # every process writes only into the emptyDir mounted at /tmp
        assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"]
        assert resource["metadata"]["namespace"] == "portal"


def manifest_variables() -> set[str]:
    names = set()
    for resource in resources():
        if resource["kind"] == "ConfigMap":
            names |= set(resource["data"])
        if resource["kind"] == "Secret":
            names |= set(resource["stringData"])
    for _resource, container in containers():
        names |= {entry["name"] for entry in container.get("env", [])}
        for source in container.get("envFrom", []):
            reference = source.get("configMapRef") or source.get("secretRef")
            assert reference["name"] in {"portal-config", "portal-secrets"}
    return names


def test_every_variable_the_manifests_set_is_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert manifest_variables() - documented == set()


def test_the_secret_is_a_template_of_placeholders():
    secret = one("Secret", "portal-secrets")
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= secret["stringData"].keys()
    for name, value in secret["stringData"].items():
        assert "CHANGE-ME" in value, name
    config = one("ConfigMap", "portal-config")
    assert not {"DJANGO_SECRET_KEY", "DATABASE_URL", "PROMETHEUS_METRICS_TOKEN"} & config["data"].keys()


def test_every_checkov_skip_gives_its_reason():
    for resource in resources():
        for key, value in resource["metadata"].get("annotations", {}).items():
            if key.startswith("checkov.io/skip"):
                check, _, reason = value.partition("=")
                assert re.fullmatch(r"CKV2?_K8S_\d+", check) and len(reason) > 20, value
