"""A real S3-compatible server for the media tests (SeaweedFS, `scripts/ci/seaweedfs.sh start`).

Tests reach it when AWS_S3_ENDPOINT_URL is set. They use the buckets named by
AWS_STORAGE_BUCKET_NAME / AWS_PRIVATE_BUCKET_NAME (CI's media pass) or two test buckets,
made here when missing (the public one readable by anyone through a bucket policy, as an
operator would set it up), and each test writes under its own key prefix, so runs and
tests never see each other's files.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from contextlib import contextmanager
from functools import cache

from tests.conftest import require_service

ENDPOINT = os.environ.get("AWS_S3_ENDPOINT_URL", "")
HOW = ("start SeaweedFS with `scripts/ci/seaweedfs.sh start` and export the AWS_* lines it prints "
       "(then `make test` runs these tests against it)")
# One prefix per test run, so two runs on the same server never share a key.
RUN_PREFIX = f"run-{uuid.uuid4().hex[:12]}"


def require_s3() -> None:
    require_service(bool(ENDPOINT), "An S3-compatible server (AWS_S3_ENDPOINT_URL)", HOW)


def bucket_names() -> tuple[str, str]:
    return (os.environ.get("AWS_STORAGE_BUCKET_NAME") or "gebrak-test-public",
            os.environ.get("AWS_PRIVATE_BUCKET_NAME") or "gebrak-test-private")


def s3_client(**config):
    """A boto3 client for the test server, with the keys from the environment."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name=os.environ.get("AWS_S3_REGION_NAME") or "us-east-1",
        config=Config(connect_timeout=3, read_timeout=10, retries={"total_max_attempts": 1},
                      s3={"addressing_style": "path"}, **config))


def public_read_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/*"]}]})


@cache
def buckets_ready() -> tuple[str, str]:
    """The public and private buckets, created when missing; the public one readable by anyone."""
    require_s3()
    client = s3_client()
    public, private = bucket_names()
    existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    for name in (public, private):
        if name not in existing:
            client.create_bucket(Bucket=name)
    client.put_bucket_policy(Bucket=public, Policy=public_read_policy(public))
    return public, private


def prefix_for_test(nodeid: str) -> str:
    """A key prefix for one test of this run, readable in the bucket's listing."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", nodeid.split("::", 1)[-1]).strip("-")[:80]
    return f"{RUN_PREFIX}/{name}-{uuid.uuid4().hex[:6]}"


def s3_storages(settings, prefix: str, **options) -> dict:
    """settings.STORAGES with both media storages on the test buckets, under `prefix`."""
    from config.settings.base import s3_storage

    public, private = buckets_ready()
    storages = {**settings.STORAGES}
    for alias, bucket, is_public in (("default", public, True), ("private", private, False)):
        entry = s3_storage(bucket=bucket, public=is_public, location=prefix)
        entry["OPTIONS"].update(endpoint_url=ENDPOINT, **options)
        storages[alias] = entry
    return storages


@contextmanager
def s3_requests(*storages):
    """Count the HTTP requests the storages' boto3 clients send (botocore's before-send event)."""
    sent: list[str] = []

    def count(request, **kwargs):
        sent.append(f"{request.method} {request.url}")

    clients = []
    for storage in storages:
        for connection in (storage.connection, storage.unsigned_connection):
            client = connection.meta.client
            client.meta.events.register("before-send.s3", count)
            clients.append(client)
    try:
        yield sent
    finally:
        for client in clients:
            client.meta.events.unregister("before-send.s3", count)
