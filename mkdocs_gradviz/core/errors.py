"""gradviz's one family of exceptions.

Everything the engine raises on purpose derives from ``GradvizError``; each front end converts
them once, at its own edge (MkDocs: ``PluginError``; Zensical: ``SuperFencesException``). Every
message names the file, and the line where there is one, that it is about.
"""

from __future__ import annotations

import difflib


class GradvizError(Exception):
    """Base class of everything gradviz raises on purpose."""


class SpecError(GradvizError):
    """A block body that is not a valid spec; the build adds page and line."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Line inside the block body that is at fault, when one is.
        self.line = line
        #: Every problem of the block, when it has several (each with its own line).
        self.problems: list[SpecError] = [self]

    @classmethod
    def combine(cls, problems: list[SpecError]) -> SpecError:
        """One error standing for all of ``problems``, so that an author sees them in one build."""
        if len(problems) == 1:
            return problems[0]
        error = cls(f"{len(problems)} problems: " + "; ".join(p.message for p in problems), line=problems[0].line)
        error.problems = problems
        return error


class BlockError(GradvizError):
    """A block that cannot become an animation, located in its page."""

    def __init__(self, page: str, line: int, message: str) -> None:
        super().__init__(f"{page}:{line}: {message}")
        self.page = page
        self.line = line
        self.message = message


class BuildFailed(GradvizError):
    """Blocks that could not render, all of them, so that one build shows an author every failure."""

    def __init__(self, errors: list[BlockError]) -> None:
        super().__init__(f"gradviz could not render {len(errors)} block(s):\n" + "\n".join(map(str, errors)))
        self.errors = errors


class LibraryError(GradvizError):
    """A scene module that cannot be read (bad syntax, an unsupported annotation), with its file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")
        self.path = path
        self.line = line
        self.message = message


class ConfigError(GradvizError):
    """An option of the site's configuration that cannot be used."""


class RenderError(GradvizError):
    """Manim failed (or timed out) on a block; ``message`` holds the useful tail of its output."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Line inside the block's code that raised, when the traceback names one.
        self.line = line


class CacheError(GradvizError):
    """The cache directory cannot be used (unwritable, full)."""


class CacheCorrupt(CacheError):
    """A cache entry whose files do not match its manifest; it has been removed."""


def did_you_mean(name: str, candidates: list[str], *, otherwise: str = "") -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, else ``otherwise`` (e.g. the full list)."""
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"; did you mean '{close[0]}'?" if close else otherwise


def stated(error: BaseException) -> str:
    """An error as a front end shows it: gradviz's own in their words, anything else (a bug) with its type."""
    if isinstance(error, BuildFailed):
        return str(error)  # it begins "gradviz could not render"
    if isinstance(error, GradvizError):
        return f"gradviz: {error}"
    return f"gradviz: {type(error).__name__}: {error}"
