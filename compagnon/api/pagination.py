"""Cursor pagination: `?cursor=` from the previous page's `next`, `?page_size=` up to 100."""

from __future__ import annotations

from ninja.pagination import CursorPagination

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def cursor_kwargs(*ordering: str) -> dict:
    return {
        "ordering": ordering,
        "page_size": PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
    }


__all__ = ["CursorPagination", "cursor_kwargs"]
