"""The Zensical front end: a SuperFences custom fence whose formatter renders gradviz blocks.

Zensical runs no MkDocs plugin, but it runs Python-Markdown extensions and builds a custom fence's
formatter from a factory named in ``mkdocs.yml``::

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: gradviz
              class: gradviz
              format: {object: mkdocs_gradviz.zensical.formatter, kwds: {quality: medium}}
              validator: {object: mkdocs_gradviz.zensical.validator}

The options are the MkDocs plugin's: those of a ``- gradviz:`` plugin entry in the same file, then
the fence's ``kwds`` over them. How this fits what Zensical (0.0.73) does:

- The factory runs once per configuration parse. It scans ``docs_dir`` and queues the renders of
  every block of the site, so that a cold build renders in parallel although Zensical converts
  pages one at a time; and it copies renders already in the cache back into the site's files.
- The formatter leaves a marker per fence and registers a Markdown postprocessor on the page's
  Markdown instance; once the page is converted, the postprocessor turns the markers Markdown kept
  (not those inside code) into figures. It waits for the page's renders, since Zensical has no
  later hook and caches the page's HTML: a page never holds a placeholder, under ``serve`` too.
- Zensical keeps a page's HTML between builds, keyed on a hash of the pickled Markdown
  configuration, this formatter included: its pickled state names gradviz's version and code,
  Manim's version, the scene library's sources and the settings, so that a change of any of them
  converts every page again (gradviz's own cache then decides what re-renders).
- Files: Zensical publishes only what is in ``docs_dir`` once pages are cached, so each render's
  files are written into ``<docs_dir>/<output_dir>`` (to be ignored in git) and into
  ``<site_dir>/<output_dir>`` for the build under way.
- URLs: Zensical rewrites ``src`` and ``href`` in raw HTML as relative to the page's source file,
  and leaves ``poster`` and ``data-*`` alone, so those are made relative to the page's URL.
- Errors: a block that fails stops ``zensical build`` with its page and line (only
  ``SuperFencesException`` gets through SuperFences); under ``zensical serve``, which that
  exception would stop, the error is shown in the page instead. Every error is also logged.
"""

from __future__ import annotations

import atexit
import logging
import posixpath
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from markdown.postprocessors import Postprocessor
from pymdownx.superfences import SuperFencesException, fence_code_format

from mkdocs_gradviz.core import embed, fence
from mkdocs_gradviz.core.errors import ConfigError, GradvizError, stated
from mkdocs_gradviz.core.settings import Settings
from mkdocs_gradviz.zensical.project import Project, find_project
from mkdocs_gradviz.zensical.site import ZensicalSite

log = logging.getLogger(__name__)
#: Postprocessors run by priority, highest first; SuperFences' HTML is back in the page after 30 (raw_html).
_AFTER_RAW_HTML = 5


def formatter(**options: Any) -> GradvizFence:
    """The fence's ``format`` factory: Zensical calls it with the fence's ``kwds`` on each configuration parse."""
    _show_logs()
    with _configuration_errors():
        project = find_project()
        settings = Settings.from_mapping({**project.plugin_options, **options},
                                         where=f"{project.config_file or 'the Zensical configuration'} (gradviz)")
        return GradvizFence(project, settings, options)


def validator(**options: Any) -> Callable[..., bool]:
    """The fence's ``validator`` factory: a validator that keeps every header option for the formatter to check."""
    return fence.fence_entry(fence_code_format)["validator"]


class GradvizFence:
    """The formatter of one configuration parse; its pickled state is what Zensical hashes into page keys."""

    def __init__(self, project: Project, settings: Settings, options: dict[str, Any]) -> None:
        self.options = options
        self.project = project
        self.site = ZensicalSite.start(project, settings, log) if settings.enabled else None
        self.fingerprint = self.site.fingerprint() if self.site else {"enabled": False}
        if self.site is not None and not project.serving:
            atexit.register(self.site.finish)

    def __call__(self, source: str, language: str, class_name: str, options: dict[str, str], md: Any,
                 **kwargs: Any) -> str:
        """SuperFences formatter: note the fence and leave a marker the page's postprocessor replaces."""
        if self.site is None:  # enabled: false, here or in the plugin entry: blocks stay code
            return fence_code_format(source, language, class_name, options, md, **kwargs)
        try:
            return self._page(md).fences.propose(source, options)
        except Exception as error:  # SuperFences would swallow it and show the block as plain code
            _stop_or_log(self.site, error, "a gradviz block could not be read")
            return embed.error_html("this page", f"{type(error).__name__}: {error}")

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # Zensical pickles the Markdown configuration to key its page cache: this state is that key's part.
        return _unpickle, (self.options, self.fingerprint)

    def _page(self, md: Any) -> _PagePostprocessor:
        """The postprocessor of the page ``md`` converts, registered on the page's first fence."""
        if "gradviz" in md.postprocessors:
            return md.postprocessors["gradviz"]
        if "rendering_context" not in md.preprocessors:
            raise ConfigError("mkdocs_gradviz.zensical is the fence of Zensical builds; "
                              "under MkDocs, add the gradviz plugin instead")
        context = md.preprocessors["rendering_context"]
        site = self.site.for_root(Path(context.config["root_dir"]).resolve(), context.config)
        page = _PagePostprocessor(md, site, context.page.path, context.page.url)
        md.postprocessors.register(page, "gradviz", _AFTER_RAW_HTML)
        return page


class _PagePostprocessor(Postprocessor):
    """One page: the fences its formatter calls proposed, turned into figures once the page's HTML is done."""

    def __init__(self, md: Any, site: ZensicalSite, path: str, url: str) -> None:
        super().__init__(md)
        self.site = site
        self.label = site.page_label(path)
        self.path = path
        self.url = url
        self.fences = fence.PageFences(site.locate(path))

    def run(self, text: str) -> str:
        try:
            return self.site.finish_page(self.label, text, self.fences, self.src_url, self.plain_url)
        except Exception as error:  # a bug must not pass for a page without blocks
            _stop_or_log(self.site, error, f"{self.label}: the page's gradviz blocks could not be embedded")
            return text

    def src_url(self, uri: str) -> str:
        """A site path relative to the page's source folder, for ``src``/``href`` (Zensical rewrites those)."""
        return posixpath.relpath(uri, posixpath.dirname(self.path) or ".")

    def plain_url(self, uri: str) -> str:
        """A site path relative to the page's URL, for ``poster`` and ``data-*`` (Zensical leaves those alone)."""
        return posixpath.relpath(uri, posixpath.dirname(self.url) or ".")


def _unpickle(options: dict[str, Any], fingerprint: dict[str, Any]) -> GradvizFence:
    """What a pickled formatter becomes again: the formatter of its options, in this process."""
    return formatter(**options)


_logs_shown = threading.Lock()


def _show_logs() -> None:
    """Zensical configures no Python logging: show gradviz's information and errors on stderr, once."""
    if not _logs_shown.acquire(blocking=False):
        return
    logger = logging.getLogger("mkdocs_gradviz")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("gradviz: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _stop_or_log(site: ZensicalSite, error: Exception, context: str) -> None:
    """The one place where a page's errors become Zensical's: ``SuperFencesException``, the only
    exception SuperFences lets through, stops a build; ``zensical serve``, which it would stop,
    logs the error and goes on (the page shows it)."""
    if site.serving:
        if isinstance(error, GradvizError):
            log.error("%s", error)
        else:
            log.exception("%s", context)
        return
    site.failed = True
    if not isinstance(error, GradvizError):
        log.exception("%s", context)
    raise SuperFencesException(stated(error)) from error


@contextmanager
def _configuration_errors() -> Iterator[None]:
    """The one place where gradviz's configuration errors become Zensical's (a clean ``Error:`` line, exit 1)."""
    try:
        yield
    except GradvizError as error:
        try:
            from zensical.config import ConfigurationError
        except ImportError:
            raise SuperFencesException(stated(error)) from None
        raise ConfigurationError(stated(error)) from None
