"""URL modules, one namespace each, included by the root urlconf (compagnon/urls.py)."""
