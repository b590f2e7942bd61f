"""The errors a user can act on; every message names the thing it is about."""

from __future__ import annotations


class CatalogError(Exception):
    """Base class of every error that is reported as a one-line `error: …` message."""


class FeedError(CatalogError):
    """A feed (file, URL or OPML entry) could not be fetched or parsed."""


class FetchError(FeedError):
    """Fetching a source failed (network, HTTP status, size cap, scheme)."""


class StoreError(CatalogError):
    """The catalog file could not be read, written or locked."""


class SchemaError(StoreError):
    """The catalog file was written by a newer (or unknown) version of catalog."""


class NotFoundError(CatalogError):
    """An episode, show or person that the user named does not exist."""


class UsageError(CatalogError):
    """A bad argument value found after parsing (reported with exit code 2)."""


class TagError(CatalogError):
    """An audio file could not be read or tagged."""


class SummaryError(CatalogError):
    """A summary page could not be read or parsed."""


class QueryError(UsageError):
    """A malformed query."""


class ExportError(CatalogError):
    """An export could not be produced."""
