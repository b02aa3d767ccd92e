"""Recording middlewares for tests and the notebook: each one writes every hook it sees, as
"phase name" ("call A", "request A", "render A page.html", "exception A ZeroDivisionError"),
into one shared list, so that a test compares a whole request with one list.

    log = []
    A, B, C = recorders(log, "A", "B", "C")
    B = recorders(log, "B", process_request=lambda self, handler, clear: True)[0]

A keyword argument replaces that hook of every recorder made by the call; the replacement's own
return value is what the Manager sees (its event is still recorded first).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable


def recorders(log: list[str], *names: str, **replacements: Callable) -> list[type]:
    return [_recorder(log, name, replacements) for name in names]


def _recorder(log: list[str], name: str, replacements: dict[str, Callable]) -> type:
    def hook(phase: str, short: str, describe=lambda *args, **kwargs: ""):
        replacement = replacements.get(phase)

        def method(self, *args, **kwargs):
            detail = describe(*args, **kwargs)
            log.append(f"{short} {name}" + (f" {detail}" if detail else ""))
            return replacement(self, *args, **kwargs) if replacement else None

        if replacement is not None and inspect.iscoroutinefunction(replacement):
            async def method_async(self, *args, **kwargs):
                log.append(f"{short} {name}")
                return await replacement(self, *args, **kwargs)
            return method_async
        return method

    def init(self, application):
        log.append(f"init {name}")
        if "process_init" in replacements:
            replacements["process_init"](self, application)

    return type(name, (), {
        "process_init": init,
        "process_call": hook("process_call", "call"),
        "process_request": hook("process_request", "request"),
        "process_render": hook("process_render", "render",
                               lambda handler, clear, template_name, **kw: template_name),
        "process_response": hook("process_response", "response"),
        "process_endcall": hook("process_endcall", "endcall"),
        "process_exception": hook("process_exception", "exception",
                                  lambda handler, clear, typ, value, tb: typ.__name__),
    })
