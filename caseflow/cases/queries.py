"""Read-side queries for queues, case lists and case pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.util import identity_key

from caseflow import policy
from caseflow.accounts.models import Unit, User
from caseflow.cases.models import Case
from caseflow.core.db import db
from caseflow.core.errors import NotFound
from caseflow.deadlines.reading import overdue_clause, urgency_key

SORTS: dict[str, sa.UnaryExpression[Any]] = {
    "received": Case.received_at.desc(),
    "-received": Case.received_at.asc(),
    "oldest": Case.received_at.asc(),
    "number": Case.id.asc(),
    "-number": Case.id.desc(),
    "state": Case.state.asc(),
    "updated": Case.updated_at.desc(),
}


@dataclass
class Page:
    items: list[Any]  # Case objects (list_cases) or rows of columns (queue_rows)
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def load_case(case_id: int, user: User) -> Case:
    """Load a case the user may see, else 404 (a case that is not yours does not exist)."""
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or not policy.can_view_case(user, case):
        raise NotFound("案件不存在")
    return case


# The lists' selects are built once at import; a request adds its filters, order and page.
# A list shows no case's text: its long columns stay in the database (the queue's query-count test notices a list
# that reads them, one statement per case).
_CASES = sa.select(Case).options(selectinload(Case.assignee), defer(Case.facts), defer(Case.claims), defer(Case.data))
# The users table is joined as itself: an alias would rebuild the proxies of all its columns. Whether a case is
# closed comes as a flag: the queue shows no closing time (a datetime costs most to read).
_QUEUE_LINES = (sa.select(Case.id, Case.number, Case.title, Case.procedure, Case.state, Case.channel,
                          Case.closed_at.is_not(None).label("closed"), Case.received_at, Case.assignee_id,
                          User.display_name.label("assignee_name"))
                .outerjoin(User, User.id == Case.assignee_id))
_COUNT = sa.select(sa.func.count()).select_from(Case)
_NOT_DELETED = Case.is_deleted.is_(False)
_NEWEST_FIRST = Case.id.desc()  # the tie-breaker of every order


def list_cases(user: User, *, queue: str = "all", procedure: str | None = None, state: str | None = None,
               unit: str | None = None, q: str | None = None, sort: str = "received", page: int = 1,
               per_page: int = 20, open_only: bool = False, overdue: bool | None = None) -> Page:
    """Cases visible to the user with filters, sorting and pagination.

    The work queues (mine, unassigned) put the most urgent case first — nearest due date of an open
    office deadline, overdue ones first by construction — then apply the chosen sort; ``sort="urgency"``
    does the same for any list. ``overdue`` keeps (True) or drops (False) cases with an overdue deadline.
    """
    where = _filters(user, queue=queue, procedure=procedure, state=state, unit=unit, q=q, open_only=open_only,
                     overdue=overdue)
    total = db.rows(_COUNT.where(*where))[0][0]
    page, per_page = _clamped(page, per_page)
    paged = _paged(_CASES, where, queue=queue, sort=sort, page=page, per_page=per_page)
    rows = list(db.session.scalars(paged))
    load_units({c.unit_id for c in rows})
    return Page(rows, total, page, per_page)


def queue_rows(user: User, *, queue: str = "all", procedure: str | None = None, state: str | None = None,
               q: str | None = None, sort: str = "received", page: int = 1, per_page: int = 20,
               open_only: bool = False) -> Page:
    """The staff queue's page of cases as list_cases lists them, but as rows of the columns the queue shows (with
    the assignee's name as ``assignee_name``): no Case or User object is built for a line of a table.

    The number of cases comes in the same statement (a subquery the database runs once), counted apart only for a
    page past the last."""
    where = _filters(user, queue=queue, procedure=procedure, state=state, q=q, open_only=open_only)
    total = _COUNT.where(*where).correlate(None).scalar_subquery().label("total")
    page, per_page = _clamped(page, per_page)
    rows = db.rows(_paged(_QUEUE_LINES.add_columns(total), where, queue=queue, sort=sort, page=page,
                          per_page=per_page))
    if rows:
        return Page(rows, rows[0].total, page, per_page)
    # No row carries the total: nothing matches (on the first page), or the page is past the last.
    return Page(rows, 0 if page == 1 else db.rows(_COUNT.where(*where))[0][0], page, per_page)


def _filters(user: User, *, queue: str = "all", procedure: str | None = None, state: str | None = None,
             unit: str | None = None, q: str | None = None, open_only: bool = False,
             overdue: bool | None = None) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of a list of cases: those the user may see, in the queue asked, passing the filters."""
    where: list[sa.ColumnElement[bool]] = [policy.visible_cases(user), _NOT_DELETED]
    if overdue is not None:
        where.append(overdue_clause() if overdue else ~overdue_clause())
    if queue == "mine":
        where.append(Case.assignee_id == user.id)
    elif queue == "unassigned":
        where += [Case.assignee_id.is_(None), Case.unit_id == user.unit_id]
    if queue in {"mine", "unassigned"} or open_only:
        where.append(Case.closed_at.is_(None))
    if procedure:
        where.append(Case.procedure == procedure)
    if state:
        where.append(Case.state == state)
    if unit:
        where.append(Case.unit_id.in_(sa.select(Unit.id).where(Unit.code == unit)))
    if q:
        like = "%" + q.replace("%", r"\%").replace("_", r"\_")[:100] + "%"
        where.append(sa.or_(Case.number.like(like, escape="\\"), Case.title.like(like, escape="\\")))
    return where


def _clamped(page: int, per_page: int) -> tuple[int, int]:
    return max(1, page), min(max(1, per_page), 200)


def _paged(listed: sa.Select, where: list[sa.ColumnElement[bool]], *, queue: str, sort: str, page: int,
           per_page: int) -> sa.Select:
    """``listed`` (a select of cases or of their columns) filtered, ordered and limited to the page asked."""
    order: list[sa.ColumnElement[Any]] = [SORTS.get(sort, SORTS["received"]), _NEWEST_FIRST]
    if sort == "urgency" or queue in {"mine", "unassigned"}:
        order.insert(0, sa.nulls_last(urgency_key().asc()))
    return listed.where(*where).order_by(*order).limit(_literal(per_page)).offset(_literal((page - 1) * per_page))


def _literal(number: int) -> sa.BindParameter[int]:
    """A LIMIT or OFFSET written into the SQL as a number (the compiled statement stays one, cached). Sent as a
    parameter, PostgreSQL re-plans a prepared list at every execution: it costs the generic plan for an unknown
    LIMIT at a tenth of the cases, so the generic plan never wins over the custom one."""
    return sa.bindparam(None, number, type_=sa.Integer, literal_execute=True)


def load_units(ids: set[int]) -> None:
    """Bring the offices of a page of cases into the session in one query, leaving out those it holds already (a
    staff member's own office comes with the signed-in user): ``case.unit`` then reads them without a query."""
    missing = sorted(i for i in ids if identity_key(Unit, i) not in db.session.identity_map)
    if missing:
        db.session.scalars(sa.select(Unit).where(Unit.id.in_(missing))).all()


def int_arg(value, default: int) -> int:
    """Parse a query-string integer without ever failing."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 < number < 10**6 else default
