"""Execution backends. Each renders the compiled, backend-neutral SQL tree in its own dialect."""

from __future__ import annotations

from kqlhunt.backends.base import Backend, available_backends, create_backend

__all__ = ["Backend", "available_backends", "create_backend"]
