"""Plain Python functions that numba may compile: the package's single definitions.

A model's equations are written once, as plain Python arithmetic on scalars, and marked
:func:`jitable`.  Called from Python they run as they are (on floats, or elementwise on NumPy
arrays); referenced from a numba-compiled function they are compiled into it (numba's
``register_jitable``; LLVM inlines them).  The registration is deferred to :func:`register`
— called by every module that compiles kernels — so that importing a model does not import numba
(≈0.4 s): ``qmemristor --help`` and the physics that needs no kernel stay fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

_PENDING: list[Callable[..., object]] = []
_DONE: set[int] = set()


def jitable(fn: F) -> F:
    """Mark ``fn`` (a pure function of scalars and arrays) for compilation inside kernels."""
    _PENDING.append(fn)
    return fn


def register() -> None:
    """Register every function marked so far with numba (idempotent; imports numba)."""
    from numba.extending import register_jitable

    for fn in _PENDING:
        if id(fn) not in _DONE:
            register_jitable(fn)
            _DONE.add(id(fn))
