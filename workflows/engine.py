"""The one engine that fires procedure actions, through one module-level transitions machine per procedure."""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine, MachineError

from workflows.base import Action, GuardContext, Procedure


class WorkflowError(Exception):
    code = "conflict_state"
    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownAction(WorkflowError):
    code = "unknown_action"
    status = 404


class Forbidden(WorkflowError):
    code = "forbidden"
    status = 403


class StateConflict(WorkflowError):
    code = "conflict_state"
    status = 409


class GuardRefused(WorkflowError):
    """A guard refused: the action is not allowed for this case as it is now."""

    code = "conflict_state"
    status = 409


@dataclass(frozen=True)
class Fired:
    action: Action
    from_state: str
    to_state: str


@dataclass(frozen=True)
class Offer:
    available: list[Action]
    refused: list[tuple[Action, str]]


def _chosen(action: Action, ctx: GuardContext) -> bool:
    """A variant with `when` runs only when the input names its value."""
    if action.when is None:
        return True
    name, value = action.when
    return ctx.data.get(name) == value


class Engine:
    """Wraps one procedure's machine: what may be done now, and doing it."""

    def __init__(self, procedure: Procedure):
        self.procedure = procedure
        self.machine = Machine(
            model=None,
            states=list(procedure.states),
            initial=None,
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
        )
        for action in procedure.actions:
            self.machine.add_transition(
                trigger=action.name,
                source=list(action.sources),
                dest=action.dest,  # None: internal transition, the state is kept
                conditions=[self._condition(action)],
            )

    @staticmethod
    def _condition(action: Action):
        def passes(event) -> bool:
            ctx: GuardContext = event.kwargs["ctx"]
            return _chosen(action, ctx) and all(g(ctx) is None for g in action.guards)

        return passes

    def start(self, case) -> None:
        """Put a new case in the procedure's first state (creation is the only other state assignment)."""
        case.state = self.procedure.first

    def candidates(self, name: str, state: str) -> list[Action]:
        """The declared variants of an action that start from `state`."""
        return [a for a in self.procedure.actions_named(name) if state in a.sources]

    def check(self, name: str, ctx: GuardContext, actor_roles: set[str]) -> Action:
        """Return the variant that would run, or raise the first reason it may not (404, 403, 409)."""
        variants = self.procedure.actions_named(name)
        if not variants:
            raise UnknownAction("没有该操作")
        if not any(set(a.roles) & actor_roles for a in variants):
            raise Forbidden("您的角色无权执行此操作")
        here = [a for a in self.candidates(name, ctx.case.state) if set(a.roles) & actor_roles]
        if not here:
            raise StateConflict(
                f"案件当前状态为“{self.procedure.state_title(ctx.case.state, getattr(ctx.case, 'channel', None))}”，"
                f"不能执行“{variants[0].label}”"
            )
        here = [a for a in here if _chosen(a, ctx)]
        if not here:
            raise GuardRefused("所选结果不适用于本案当前状态")
        reasons = []
        for a in here:
            failing = [r for g in a.guards if (r := g(ctx)) is not None]
            if not failing:
                return a
            # A variant whose selector guard (marked ``selects``) does not apply says nothing about why.
            if any(getattr(g, "selects", False) and g(ctx) is not None for g in a.guards):
                continue
            reasons.extend(failing)
        raise GuardRefused("；".join(dict.fromkeys(reasons)) or "操作条件不满足")

    def offer(self, ctx: GuardContext, actor_roles: set[str]) -> Offer:
        """What the actor may do now and what it could do in this state but a guard refuses, one action per name,
        each guard asked once: a party sees why it cannot, e.g., withdraw a penalty complaint once it is filed."""
        by_name: dict[str, list[tuple[int, Action]]] = {}
        for i, a in enumerate(self.procedure.actions_from(ctx.case.state)):
            if set(a.roles) & actor_roles:
                by_name.setdefault(a.name, []).append((i, a))
        available: list[tuple[int, Action]] = []
        refused: list[tuple[Action, str]] = []
        for variants in by_name.values():
            shown: Action | None = None
            reasons: list[str] = []
            for i, a in variants:
                failing = {g: r for g in a.guards if not getattr(g, "on_input", False) and (r := g(ctx)) is not None}
                if not failing:
                    available.append((i, a))
                    break
                if any(getattr(g, "unoffered", False) for g in failing):
                    break  # not offered here at all
                # A variant whose selector guard does not apply to this case says nothing about why.
                if not any(getattr(g, "selects", False) for g in failing):
                    shown = shown or a
                    reasons.extend(failing.values())
            else:
                if shown is not None:
                    refused.append((shown, "；".join(dict.fromkeys(reasons))))
        return Offer([a for _, a in sorted(available, key=lambda found: found[0])], refused)

    def fire(self, name: str, ctx: GuardContext) -> Fired:
        """Apply the transition to the case (the only place a case's state is assigned)."""
        case = ctx.case
        before = case.state
        action = self.check_guards_only(name, ctx)
        try:
            ok = self.machine.events[name].trigger(case, ctx=ctx)
        except MachineError as exc:
            raise StateConflict(str(exc)) from exc
        if not ok:
            raise GuardRefused("操作条件不满足")
        return Fired(action, before, case.state)

    def check_guards_only(self, name: str, ctx: GuardContext) -> Action:
        for a in self.candidates(name, ctx.case.state):
            if _chosen(a, ctx) and all(g(ctx) is None for g in a.guards):
                return a
        raise GuardRefused("操作条件不满足")
