"""Uploads on S3-compatible storage (issue "Scale", beyond one box): with STORAGE_S3_BUCKET the
attachments live in a bucket that every web and worker pod shares — still private (no public ACL,
no URL of their own) and still handed out only through the owner's gate.

The bucket is a fake S3 (moto's server) on a spare loopback port; the settings are the portal's
own, read from the environment; the file goes in and out through the proposal's upload and
download pages."""

from __future__ import annotations

import hashlib
import runpy
import socket
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from proposals.models import ProposalAttachment
from tests.files import PDF, PNG
from tests.proposals.conftest import make_proposal

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "portal-files"
KEYS = {"STORAGE_S3_ACCESS_KEY": "test-access-key", "STORAGE_S3_SECRET_KEY": "test-secret-key"}


def settings_with(monkeypatch, **env: str) -> dict:
    """The portal's settings module run again with these variables (and a secret key)."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 60)
    for name in ("STORAGE_S3_BUCKET", "STORAGE_S3_ENDPOINT_URL", "STORAGE_S3_REGION", *KEYS):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "portal" / "settings.py"))


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def bucket(settings, monkeypatch, tmp_path):
    """A fake S3 on loopback with an empty bucket, and the portal's storage pointed at it."""
    from moto.server import ThreadedMotoServer

    port = spare_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=KEYS["STORAGE_S3_ACCESS_KEY"], aws_secret_access_key=KEYS["STORAGE_S3_SECRET_KEY"],
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    built = settings_with(
        monkeypatch, STORAGE_S3_BUCKET=BUCKET, STORAGE_S3_ENDPOINT_URL=endpoint,
        STORAGE_S3_REGION="us-east-1", **KEYS,
    )  # fmt: skip
    settings.STORAGES = built["STORAGES"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # must stay empty
    yield client
    # moto keeps its buckets in the process: emptied for the next test
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)  # noqa: S310
    server.stop()


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def objects(client) -> list[str]:
    return [entry["Key"] for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_attachment_goes_to_the_bucket_privately_and_comes_back_through_the_gate(demo, bucket, tmp_path):
    draft = make_proposal(demo["cadre_a"], "draft")
    answer = browser(demo["cadre_a"]).post(
        f"/proposals/{draft.pk}/attachments/", {"file": SimpleUploadedFile("ke-hoach.pdf", PDF)}
    )
    assert answer.status_code == 302
    attachment = ProposalAttachment.objects.get(proposal=draft)
    assert attachment.kind == "pdf" and attachment.sha256 == hashlib.sha256(PDF).hexdigest()

    assert objects(bucket) == [attachment.file.name]
    assert attachment.file.name.startswith(f"proposals/{draft.pk}/")
    assert bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's alone
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no AuthenticatedUsers
    assert not any(path.is_file() for path in tmp_path.rglob("*"))  # nothing on the pod's disk
    with pytest.raises(ValueError, match="no public URL"):
        _ = attachment.file.url

    url = f"/proposals/{draft.pk}/attachments/{attachment.pk}/"
    download = browser(demo["cadre_a"]).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert browser(demo["cadre_b"]).get(url).status_code == 404  # not theirs to see


def test_the_same_file_twice_is_two_objects_and_deleting_one_keeps_the_other(demo, bucket):
    draft = make_proposal(demo["cadre_a"], "draft")
    author = browser(demo["cadre_a"])
    for _ in range(2):
        answer = author.post(
            f"/proposals/{draft.pk}/attachments/", {"file": SimpleUploadedFile("so-do.png", PNG)}
        )
        assert answer.status_code == 302
    names = sorted(ProposalAttachment.objects.filter(proposal=draft).values_list("file", flat=True))
    assert len(set(names)) == 2 and sorted(objects(bucket)) == names
    first = ProposalAttachment.objects.filter(proposal=draft).first()
    first.file.storage.delete(first.file.name)
    assert objects(bucket) == [name for name in names if name != first.file.name]


def test_without_a_bucket_the_files_stay_in_the_private_folder(monkeypatch):
    assert settings_with(monkeypatch)["STORAGES"]["private"] == {
        "BACKEND": "portal.storage.PrivateFileSystemStorage"
    }
    s3 = settings_with(monkeypatch, STORAGE_S3_BUCKET=BUCKET, **KEYS)["STORAGES"]["private"]
    assert s3["BACKEND"] == "portal.storage.PrivateS3Storage"
    assert s3["OPTIONS"]["bucket_name"] == BUCKET and s3["OPTIONS"]["endpoint_url"] is None
    assert s3["OPTIONS"]["addressing_style"] is None  # Amazon S3 itself: virtual-hosted names
