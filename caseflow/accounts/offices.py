"""The offices as reference data: caseflow/data/chongqing_offices.csv, loaded by the migrations and by `migrate`.

Code, area and parent come from the list and follow it on every `migrate`; an office's name and case-number
prefix are set from it once and are then the administrator's (the offices page, `flask caseflow office edit`).
Works on a plain connection with table stubs, so that a migration can call it whatever the models become.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import sqlalchemy as sa

DATA = Path(__file__).resolve().parent.parent / "data" / "chongqing_offices.csv"

_units = sa.table("units", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
                  sa.column("area", sa.String), sa.column("prefix", sa.String), sa.column("parent_id", sa.Integer))


def office_prefix(code: str, area: str) -> str:
    """Default case-number prefix: 渝知 for the city, e.g. 渝中知 for 渝中区 (the administrator may change it)."""
    if code == "500000":
        return "渝知"
    short = re.sub(r"(土家族苗族自治县|土家族自治县|苗族土家族自治县|自治县|区|县)$", "", area)
    return f"{short}知"


def reference_offices() -> list[dict[str, str]]:
    """The shipped list: code, area, office (name), parent (code or empty), parents before children."""
    with DATA.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def sync_offices(connection: sa.Connection) -> int:
    """Insert the listed offices that are missing and bring areas and parents up to the list; return how many
    were added. Idempotent; never deletes (cases and accounts refer to offices)."""
    rows = reference_offices()
    existing = {r.code: r for r in connection.execute(sa.select(_units.c.id, _units.c.code, _units.c.area))}
    added = 0
    for row in rows:
        if row["code"] in existing:
            if existing[row["code"]].area != row["area"]:
                connection.execute(sa.update(_units).where(_units.c.code == row["code"]).values(area=row["area"]))
            continue
        connection.execute(sa.insert(_units).values(code=row["code"], name=row["office"], area=row["area"],
                                                    prefix=office_prefix(row["code"], row["area"])))
        added += 1
    ids = {code: uid for uid, code in connection.execute(sa.select(_units.c.id, _units.c.code))}
    for row in rows:
        parent = ids.get(row["parent"]) if row["parent"] else None
        connection.execute(sa.update(_units).where(_units.c.code == row["code"],
                                                   _units.c.parent_id.is_distinct_from(parent))
                           .values(parent_id=parent))
    return added
