"""The seams the domains plug into, registered explicitly when the app is created.

`perform` and `create_case` run a case's change without knowing the domains around it. `create_app` calls each
domain's ``register(app)`` once, in a fixed order (caseflow/__init__.py), and each adds what it contributes to
the app's `Hooks`:

- ``on_create(case, actor)`` and ``on_action(case, fired, actor, data)``, run in the changing transaction in
  registration order: deadlines first (the documents drafted next read the periods it set), then notices,
  statistics, injunction;
- effects: the names actions declare (``effects=``), each run once after the transition;
- facts: what a guard may ask about a case beyond the case row (``GuardContext.fact``, e.g. ``evidence_count``);
- the deadlines' answers to guards (``deadline_passed``, ``latest_notice_day``, ``extension_refused``,
  ``lapse_unconfirmed``) and ``rule_configs``, the office
  configuration applied to a deadline rule before it starts (先行禁令's periods).

A domain registered twice on one app, or two domains claiming one effect or fact, is an error at start-up; so is
an effect some procedure declares that no domain registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app

KEY = "caseflow.hooks"

Effect = Callable[..., None]  # (*, case, actor, data, fired)


class Effects(dict[str, Effect]):
    """A domain's effects by declared name; ``@EFFECTS("name")`` adds one, ``register(app)`` hands them over."""

    def __call__(self, name: str) -> Callable[[Effect], Effect]:
        def add(fn: Effect) -> Effect:
            if name in self:
                raise ValueError(f"effect {name!r} declared twice")
            self[name] = fn
            return fn

        return add


class Hooks:
    """What the registered domains contribute to one app."""

    def __init__(self) -> None:
        self.domains: list[str] = []
        self.on_create: list[Callable[[Any, Any], None]] = []
        self.on_action: list[Callable[[Any, Any, Any, dict], None]] = []
        self.effects: dict[str, Effect] = {}
        self.facts: dict[str, Callable[[Any], Any]] = {}
        self.rule_configs: list[Callable[[Any, Any], Any]] = []
        self.deadline_passed: Callable[[Any, str], bool] = lambda case, prefix: False
        self.latest_notice_day: Callable[[Any, str, dt.date], dt.date | None] = lambda case, rule_id, day: None
        #: (case, rule prefix) -> why the period cannot be extended now, or None
        self.extension_refused: Callable[[Any, str], str | None] = lambda case, prefix: None
        #: (case, rule prefix) -> why a party period whose provisional due date passed is not run out yet, or None
        self.lapse_unconfirmed: Callable[[Any, str], str | None] = lambda case, prefix: None

    def domain(self, name: str) -> Hooks:
        """Start a domain's registration; a second registration of the same domain is refused."""
        if name in self.domains:
            raise RuntimeError(f"domain {name!r} registered twice on this app")
        self.domains.append(name)
        return self

    def add_effects(self, effects: Effects) -> None:
        for name, fn in effects.items():
            if name in self.effects:
                raise RuntimeError(f"effect {name!r} registered by two domains")
            self.effects[name] = fn

    def add_fact(self, name: str, fn: Callable[[Any], Any]) -> None:
        if name in self.facts:
            raise RuntimeError(f"fact {name!r} registered by two domains")
        self.facts[name] = fn

    def check(self, procedures: Iterable) -> None:
        """Refuse to start when an action declares an effect no domain registered."""
        missing = sorted({f"{p.code}.{a.name}: {e}" for p in procedures for a in p.actions for e in a.effects
                          if e not in self.effects})
        if missing:
            raise RuntimeError("effects declared but not registered: " + ", ".join(missing))


def init_app(app: Flask) -> Hooks:
    hooks = app.extensions[KEY] = Hooks()
    return hooks


def of(app: Flask) -> Hooks:
    """The hooks of an app being created (a domain's ``register(app)``)."""
    return app.extensions[KEY]


def current() -> Hooks:
    """The hooks of the running app."""
    return current_app.extensions[KEY]
