"""Waiting on events (a file appears, a URL answers, a log line is written) instead of sleeping.

Each wait has a generous limit that only a hang reaches; the limit turns the hang into a failure
that names what never happened. Nothing here decides an outcome by how long something took.
"""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
#: How long a wait lasts before it is called a hang: far beyond what a loaded machine needs.
PATIENCE = 240.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], T], what: str, *, seconds: float = PATIENCE, every: float = 0.05) -> T:
    """The first true value of ``check()``; fails naming ``what`` if none comes within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never happened (waited {seconds:.0f} s)")
        time.sleep(every)


def wait_for_file(path: Path, *, content: bool = False, seconds: float = PATIENCE) -> Path:
    """``path`` once it exists (with ``content``: once it is not empty), e.g. a marker a render writes."""
    wait_until(lambda: path.exists() and (not content or path.stat().st_size > 0), f"{path} appearing",
               seconds=seconds)
    return path


def fetch(url: str, *, timeout: float = 10) -> str:
    """The body of ``url`` as text."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def fetch_or_empty(url: str) -> str:
    """The body of ``url``, or "" while the server is not up yet."""
    try:
        return fetch(url, timeout=5)
    except OSError:
        return ""


def poll(url: str, ready: Callable[[str], bool], *, seconds: float = PATIENCE) -> str:
    """The text at ``url`` once ``ready(text)`` holds (a server that builds, then renders, before it answers)."""
    last = [""]

    def answered() -> str:
        last[0] = fetch_or_empty(url)
        return last[0] if last[0] and ready(last[0]) else ""

    try:
        return wait_until(answered, f"{url} answering as expected", seconds=seconds, every=0.2)
    except AssertionError as error:
        raise AssertionError(f"{error}; last answer: {last[0][:500]}") from None
