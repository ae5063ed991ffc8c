"""A real S3-compatible server for the storage tests: moto's server (`python -m moto.server`,
from the `moto[server]` test dependency) as a child process on a free port of the loopback,
started once per test session. Each test gets a bucket of its own, made with boto3, and the
default storage pointed at it through the same settings function production uses."""

import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from sagsbro.core.storage import default_storage_settings
from sagsbro.documents.tests.servers import child_server, free_port

# A second, empty database to restore into, as the backup tests make it.
from sagsbro.tests.test_backup_restore import empty_database  # noqa: F401

ACCESS_KEY = "sagsbro-test"
SECRET_KEY = "sagsbro-test-secret"
REGION = "eu-north-1"


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    endpoint = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            _client(endpoint).list_buckets()
        except Exception:  # noqa: BLE001 - not listening yet
            return False
        return True

    with child_server(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        name="moto_server",
        ready=answers,
        log=log,
        output=log,
        start_timeout=30,
        stop_timeout=10,
    ):
        yield endpoint


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


@dataclass
class Bucket:
    """A bucket on the test server, read directly with boto3 (not through the storage)."""

    name: str
    client: Any
    environ: dict[str, str]

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body


def make_bucket(endpoint: str) -> Bucket:
    client = _client(endpoint)
    name = f"sagsbro-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    environ = {
        "SAGSBRO_S3_BUCKET": name,
        "SAGSBRO_S3_ENDPOINT_URL": endpoint,
        "SAGSBRO_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "SAGSBRO_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "SAGSBRO_S3_REGION": REGION,
    }
    return Bucket(name=name, client=client, environ=environ)


def use_bucket(settings: Any, bucket: Bucket) -> None:
    """Point the default storage at the bucket. Changing STORAGES makes Django drop its
    cached storages (django.test.signals.storages_changed), so `default_storage` and every
    FileField's storage follow; the `settings` fixture restores them after the test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default_storage_settings(bucket.environ),
    }


@pytest.fixture
def bucket(s3_endpoint, settings) -> Bucket:
    """An empty bucket of the test's own, the default storage writing to it."""
    made = make_bucket(s3_endpoint)
    use_bucket(settings, made)
    return made
