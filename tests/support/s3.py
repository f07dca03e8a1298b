"""A real S3 API on 127.0.0.1 for the shared cache tests: moto's server, one per test process (tests/cluster/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest

from support.waiting import fetch_or_empty, free_port, wait_until

BUCKET = "renders"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key-id", "AWS_SECRET_ACCESS_KEY": "test-secret-value",
               "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 with a bucket, found through the environment; yields its endpoint URL."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(f"{endpoint}/moto-api/", server)
        with pytest.MonkeyPatch.context() as env:
            # Where every S3 client finds its endpoint and keys: the environment, as on a CI runner.
            for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL_S3": endpoint}.items():
                env.setenv(name, value)
            client().create_bucket(Bucket=BUCKET)
            yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def prefix_for(request: pytest.FixtureRequest) -> str:
    """A fresh prefix of the bucket for one test: its ``cache_url``."""
    return f"s3://{BUCKET}/{request.node.name.replace('[', '-').rstrip(']')}"


def client():
    """An S3 client of the test's own, to inspect and damage what gradviz stored."""
    return boto3.client("s3")


def stored(cache_url: str) -> dict[str, bytes]:
    """Every object under ``cache_url``, by its key below the prefix."""
    bucket, prefix = cache_url.removeprefix("s3://").split("/", 1)
    listing = client().list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get("Contents", [])
    return {item["Key"][len(prefix) + 1:]: client().get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in listing}


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    def answers() -> bool:
        assert server.poll() is None, "moto_server exited at start-up"
        return bool(fetch_or_empty(url))

    wait_until(answers, f"moto_server answering at {url}", seconds=60)
