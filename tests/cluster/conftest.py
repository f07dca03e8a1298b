"""The cluster layer: an S3 server (moto) on 127.0.0.1 for a module's tests, each test on a prefix of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.s3 import moto_server


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """A moto S3 server with the test bucket, found through the environment (as on a CI runner); its endpoint URL."""
    with moto_server() as endpoint:
        yield endpoint
