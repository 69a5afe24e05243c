"""The error catalogue: every error the builder reports to a user."""
from __future__ import annotations


class KgError(Exception):
    """Base of the errors a user sees as one line (no traceback)."""


class ResourceError(KgError):
    """A rule or gazetteer file shipped with the project is unreadable or malformed."""


class PageError(KgError):
    """An input page cannot be read: the message names the file and what is wrong."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def __reduce__(self):
        # Errors cross process boundaries in parallel builds: rebuild from both fields.
        return (type(self), (self.source, self.problem))
