"""A real S3 API (moto's server) over HTTP on 127.0.0.1, with this run's bucket; stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from django.conf import settings
from moto.server import ThreadedMotoServer


def s3_client() -> Any:
    return boto3.client(
        "s3",
        endpoint_url=settings.AWS_S3_ENDPOINT_URL,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        region_name=settings.AWS_S3_REGION_NAME,
    )


def bucket_keys() -> list[str]:
    keys: list[str] = []
    for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=settings.AWS_STORAGE_BUCKET_NAME):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


@pytest.fixture(scope="session", autouse=True)
def s3_server() -> Iterator[str]:
    endpoint = urlsplit(settings.AWS_S3_ENDPOINT_URL)
    assert endpoint.port is not None
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=endpoint.port, verbose=False)
    server.start()
    s3_client().create_bucket(Bucket=settings.AWS_STORAGE_BUCKET_NAME)
    yield str(settings.AWS_S3_ENDPOINT_URL)
    server.stop()
