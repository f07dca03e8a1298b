"""A static web server for built sites, with byte ranges as GitHub Pages serves videos."""

from __future__ import annotations

import functools
import io
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """Static files with single byte-range support, as GitHub Pages serves videos; quiet logs."""

    def send_head(self) -> io.BytesIO | None:  # type: ignore[override]
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        path = self.translate_path(self.path)
        if not match or not os.path.isfile(path):
            return super().send_head()
        data = Path(path).read_bytes()
        first, last = match.groups()
        start = int(first) if first else max(0, len(data) - int(last or 0))
        end = min(int(last), len(data) - 1) if first and last else len(data) - 1
        if start >= len(data) or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(data[start:end + 1])

    def end_headers(self) -> None:
        if self.command == "GET" and "Range" not in self.headers:
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print the broken pipes of downloads the browser abandons."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(webroot: Path, server: QuietServer | None = None) -> Iterator[str]:
    """Serve ``webroot`` on 127.0.0.1 until the block ends; yields the root URL (ending in ``/``).

    Pass a ``server`` made by ``static_server`` when the URL must be known before the files exist
    (a site built for its own ``site_url``).
    """
    server = server or static_server(webroot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def static_server(webroot: Path) -> QuietServer:
    """A server for ``webroot``, bound to a free port but not serving yet."""
    return QuietServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(webroot)))
