"""Delivery (送达) of issued documents and the parties' consent to electronic service; a delivery date starts the
party's period of the catalogue entry."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, Party, PartyRole
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid, NotFound
from caseflow.notices import catalogue, context
from caseflow.notices.models import DeliveryMethod, Notice, NoticeDelivery, NoticeStatus, ServiceConsent

#: 公告送达: "自发出公告之日起，经过三十日，即视为送达" (民事诉讼法 art. 95).
PUBLIC_NOTICE_DAYS = 30


def recipient_parties(notice: Notice) -> list[Party]:
    """The parties an issued (or drafted) document is served on."""
    ids = set(notice.party_ids)
    return [p for p in notice.case.parties if p.id in ids]


def agent_barred(case: Case) -> bool:
    """The case was filed by an agent whose 授权委托书 does not say 代收法律文书: the principal's documents are
    served on the principal, never into the agent's account."""
    agent = (case.data or {}).get("agent")
    return agent is not None and not agent.get("receives_documents")


def receiving_agent(party: Party | None, case: Case) -> Party | None:
    """The agent that receives this party's documents (代收): the claimants' agent whose 授权委托书 says 代收法律文书
    (``case.data["agent"]["receives_documents"]``, "no" unless the filer said so); None otherwise."""
    if party is None or party.role != PartyRole.CLAIMANT or not ((case.data or {}).get("agent") or {}).get(
            "receives_documents"):
        return None
    return next((p for p in case.parties if p.role == PartyRole.AGENT), None)


def electronic_account(party: Party, case: Case) -> int | None:
    """The portal account electronic service on this party arrives in, if any."""
    if party.user_id is not None:
        return party.user_id
    if party.role != PartyRole.RESPONDENT and case.created_by_id is not None and not agent_barred(case):
        return case.created_by_id
    return None


def active_consent(party: Party) -> ServiceConsent | None:
    consent = db.session.scalar(sa.select(ServiceConsent).where(ServiceConsent.party_id == party.id))
    return consent if consent is not None and consent.active else None


def record_delivery(notice: Notice, *, actor: User, method: str, party_id: int | None = None,
                    delivered_on: dt.date | None = None, published_on: dt.date | None = None,
                    receipt_number: str | None = None, signed_by: str | None = None, witness: str | None = None,
                    place: str | None = None, note: str | None = None) -> NoticeDelivery:
    """Record one service of an issued notice and, once its date has come, start the party's period."""
    case = notice.case
    policy.require_case_staff(actor, case)
    if notice.status != NoticeStatus.ISSUED:
        raise Conflict("文书签发后才能送达；草稿不能送达")
    issued_on = notice.document_date
    assert issued_on is not None, "an issued notice has its date of issue"
    try:
        method = DeliveryMethod(method)
    except ValueError:
        raise Invalid("送达方式无效", fields={"method": "请选择送达方式"}) from None
    kind = catalogue.kind(notice.kind)
    party = None
    if kind.recipient == "external":
        if party_id:
            raise Invalid("该文书送交机关，不向当事人送达", fields={"party_id": "不适用"})
    else:
        party = next((p for p in recipient_parties(notice) if p.id == party_id), None)
        if party is None:
            raise Invalid("请选择该文书的受送达人", fields={"party_id": "请选择受送达人"})
    today = clock.today()
    errors: dict[str, str] = {}
    user_id = None
    if method == DeliveryMethod.PUBLIC_NOTICE:
        if published_on is None:
            errors["published_on"] = "请填写公告发布日期"
        elif published_on > today:
            errors["published_on"] = "公告发布日期不能晚于今天"
        elif published_on < issued_on:
            errors["published_on"] = "公告发布日期不能早于文书签发日期"
        else:
            delivered_on = published_on + dt.timedelta(days=PUBLIC_NOTICE_DAYS)
    else:
        if delivered_on is None:
            errors["delivered_on"] = {DeliveryMethod.POST: "请填写回执上注明的收件日期",
                                      DeliveryMethod.DIRECT: "请填写签收日期",
                                      DeliveryMethod.RETENTION: "请填写留置日期"}.get(method, "请填写送达日期")
        elif delivered_on > today:
            errors["delivered_on"] = "送达日期不能晚于今天"
        elif delivered_on < issued_on:
            errors["delivered_on"] = "送达日期不能早于文书签发日期"
        if method == DeliveryMethod.RETENTION and not (witness or "").strip():
            errors["witness"] = "留置送达应当记明见证人或者拍照、录像等情况"
        if method == DeliveryMethod.ELECTRONIC:
            consent = active_consent(party) if party is not None else None
            if consent is None:
                errors["method"] = "受送达人未同意电子送达，不能采用电子送达"
            else:
                user_id = consent.user_id
    if errors:
        raise Invalid("送达信息有误", fields=errors)
    assert delivered_on is not None  # each method without a date was refused above
    return deliver(notice, party=party, method=method, delivered_on=delivered_on, published_on=published_on,
                        receipt_number=_clean(receipt_number, 64), signed_by=_clean(signed_by, 100),
                        witness=_clean(witness, 200), place=_clean(place, 300), note=_clean(note, 2000),
                        user_id=user_id, actor=actor)


def _clean(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value[:limit] or None


def deliver(notice: Notice, *, party: Party | None, method: DeliveryMethod, delivered_on: dt.date,
             actor: User | None, delivered_at: dt.datetime | None = None, **fields) -> NoticeDelivery:
    delivery = NoticeDelivery(notice=notice, party=party, recipient_name=party.name if party else notice.recipient,
                              method=method, delivered_on=delivered_on, delivered_at=delivered_at,
                              recorded_by=actor, **fields)
    db.session.add(delivery)
    db.session.flush()
    when = fields.get("published_on")
    summary = (f"送达：{notice.title}（{notice.number}）→ {delivery.recipient_name}，{method.title}，"
               + (f"公告发布于 {when.isoformat()}，{delivered_on.isoformat()} 视为送达" if when
                  else f"送达日期 {delivered_on.isoformat()}"))
    record_event(notice.case, tag="case:notice:deliver", actor=actor, summary=summary,
                 data={"notice_id": notice.id, "delivery_id": delivery.id, "method": method.value,
                       "party_id": party.id if party else None, "delivered_on": delivered_on.isoformat()})
    if method == DeliveryMethod.PUBLIC_NOTICE and when is not None:
        # The days between publication and deemed service are a 公告 period the case limit does not count
        # (局令81 art. 37); a rule that lists 公告 among its excluded periods moves by them.
        from caseflow.deadlines.lifecycle import exclude_pausable

        exclude_pausable(notice.case, "公告", when, delivered_on, reason=f"公告送达{notice.title}",
                         key=f"public_notice:{delivery.id}", actor=actor)
    if delivered_on <= clock.today():
        _take_effect(delivery, actor)
    return delivery


def _take_effect(delivery: NoticeDelivery, actor: User | None) -> None:
    """The delivery date has come: start (or re-base) the periods the catalogue ties to this document, and end the
    office's service period once every addressee it concerns is served."""
    delivery.took_effect_at = clock.now()
    db.session.flush()
    notice = delivery.notice
    case = notice.case
    kind = catalogue.kind(notice.kind)
    if delivery.party is None or delivery.party.role.value not in kind.deadline_roles:
        return
    from caseflow.deadlines.lifecycle import period_open, start_party_deadline, stop_on_delivery

    last = _period_trigger(notice, kind)
    for rule in kind.rules_for(case.procedure):
        roles = kind.first_receipt.get(rule)
        trigger = last if roles is None else min(_receipts(notice, roles).values(), default=None)
        running = _running_from(case, rule)
        if trigger is None or running == trigger:
            continue
        if rule in kind.rebase_only and not period_open(case, rule):
            continue
        if running is not None and running > trigger and rule in catalogue.SHARED_DELIVERY_RULES:
            continue  # another document reached a party later: that later receipt counts
        start_party_deadline(case, rule, trigger, actor)
    service = kind.stops_on_delivery.get(case.procedure, ())
    served_all = _served_all(notice, kind)
    if service and served_all is not None:
        stop_on_delivery(case, service, served_all, actor=actor, what=notice.title)


def served_together(notice: Notice, *, drafts: bool = False) -> list[Notice]:
    """The issued document and its issued siblings, drafted with it for the other respondents (each carrying only its
    own access code): together they serve one step, so the periods they start and end count from all of them.
    ``drafts`` adds the siblings not issued yet (a discarded one serves nobody)."""
    key = (notice.data or {}).get(context.SET_KEY)
    if not key:
        return [notice]
    statuses = (NoticeStatus.ISSUED, NoticeStatus.DRAFT, NoticeStatus.SIGNOFF) if drafts else (NoticeStatus.ISSUED,)
    rows = db.session.scalars(sa.select(Notice).where(Notice.case_id == notice.case_id, Notice.kind == notice.kind,
                                                      Notice.status.in_(statuses)).order_by(Notice.id))
    return [n for n in rows if (n.data or {}).get(context.SET_KEY) == key] or [notice]


def _served_all(notice: Notice, kind: catalogue.NoticeKind) -> dt.date | None:
    """The day the last addressee of ``kind.deadline_roles`` was served, once all of them have been (else None)."""
    siblings = served_together(notice)
    if any(n.status != NoticeStatus.ISSUED for n in served_together(notice, drafts=True)):
        return None  # a respondent's copy is not even issued yet
    due = [p for n in siblings for p in recipient_parties(n) if p.role.value in kind.deadline_roles]
    first: dict[int, dt.date] = {}
    for d in (d for n in siblings for d in n.deliveries):
        if d.took_effect_at is not None and d.party_id is not None:
            first[d.party_id] = min(first.get(d.party_id, d.delivered_on), d.delivered_on)
    if not due or any(p.id not in first for p in due):
        return None
    return max(first[p.id] for p in due)


def _period_trigger(notice: Notice, kind: catalogue.NoticeKind) -> dt.date | None:
    """The date the period runs from: each party's first effective service; with several parties the latest.

    The deadline table keeps one row per rule and case, so a document served on both parties (the 行政裁决书) runs
    its period from the later party's service: the office waits until both parties' windows have passed.
    """
    return max(_receipts(notice, kind.deadline_roles).values(), default=None)


def _receipts(notice: Notice, roles: frozenset[str]) -> dict[int, dt.date]:
    """Each party of ``roles`` served the document (or a sibling): the day of its first effective service."""
    first: dict[int, dt.date] = {}
    for d in (d for n in served_together(notice) for d in n.deliveries):
        if d.took_effect_at is None or d.party_id is None or d.party is None or d.party.role.value not in roles:
            continue
        first[d.party_id] = min(first.get(d.party_id, d.delivered_on), d.delivered_on)
    return first


def _running_from(case: Case, rule_id: str) -> dt.date | None:
    """The trigger date of the rule's open, delivery-based row on the case (None if none or estimated)."""
    from caseflow.deadlines.lifecycle import canonical_ids
    from caseflow.deadlines.models import Deadline

    row = db.session.scalar(sa.select(Deadline).where(
        Deadline.case_id == case.id, Deadline.rule_id.in_(canonical_ids(case, [rule_id])), Deadline.ended_at.is_(None))
        .order_by(Deadline.id.desc()).limit(1))
    if row is None or row.trigger_estimated:
        return None
    return row.trigger_date


def service_of_latest(case: Case, kind_code: str) -> dict:
    """Who has been served the case's latest document of a kind (drafts included: not served yet), and when.

    ``{"title": …, "parties": [(name, delivered_on or None), …]}``; no such document: ``{"parties": []}``.
    """
    notice = db.session.scalar(sa.select(Notice).where(Notice.case_id == case.id, Notice.kind == kind_code,
                                                       Notice.status != NoticeStatus.DISCARDED)
                               .order_by(Notice.id.desc()).limit(1))
    if notice is None:
        return {"parties": []}
    first: dict[int, dt.date] = {}
    for d in notice.deliveries:
        if d.took_effect_at is not None and d.party_id is not None:
            first[d.party_id] = min(first.get(d.party_id, d.delivered_on), d.delivered_on)
    return {"title": notice.title, "parties": [(p.name, first.get(p.id)) for p in recipient_parties(notice)]}


def hearing_notice_service(case: Case) -> dict:
    """The 口头审理通知书's service (the guard of 举行口头审理, 局令81 art. 26)."""
    return service_of_latest(case, "hearing_notice")


def correction_notice_service(case: Case) -> dict:
    """The 补正通知书's service: its period runs from receipt (the guard of 不予立案 while awaiting 补正)."""
    return service_of_latest(case, "correction")


def serve_due_publications(case: Case | None = None, *, actor: User | None = None) -> list[NoticeDelivery]:
    """公告送达 whose 30 days have passed take effect now (run by ``flask caseflow notices-serve``)."""
    stmt = sa.select(NoticeDelivery).where(NoticeDelivery.took_effect_at.is_(None),
                                           NoticeDelivery.delivered_on <= clock.today())
    if case is not None:
        stmt = stmt.join(Notice, Notice.id == NoticeDelivery.notice_id).where(Notice.case_id == case.id)
    due = list(db.session.scalars(stmt.order_by(NoticeDelivery.id)))
    for delivery in due:
        _take_effect(delivery, actor)
    return due


def record_opening(notice: Notice, user: User) -> None:
    """The addressee opened an electronically served document: record the first opening (once)."""
    mine = {p.id for p in policy.acting_parties(user, notice.case)}
    now = clock.now()
    for d in notice.deliveries:
        if d.method == DeliveryMethod.ELECTRONIC and d.party_id in mine and d.first_opened_at is None:
            d.first_opened_at = now
    db.session.flush()


def give_consent(case: Case, *, actor: User, party_id: int | None = None) -> list[ServiceConsent]:
    """Record consent to electronic service: a party online for itself, or staff from a signed paper form.

    Issued documents not yet served on the party are served electronically at once.
    """
    if policy.is_case_staff(actor, case):
        party = next((p for p in case.parties if p.id == party_id), None)
        if party is None:
            raise Invalid("请选择当事人", fields={"party_id": "请选择当事人"})
        account = electronic_account(party, case)
        if account is None:
            raise Invalid("该当事人没有门户账号，不能电子送达", fields={"party_id": "该当事人没有门户账号"})
        targets, source = [(party, account)], "paper"
    else:
        parties = [p for p in policy.acting_parties(actor, case) if p.role != PartyRole.AGENT]
        if agent_barred(case) and actor.id == case.created_by_id:
            raise Invalid("授权委托书未载明代收法律文书，文书应当送达委托人本人，不能送达到代理人账号")
        if party_id is not None:
            parties = [p for p in parties if p.id == party_id]
        if not parties:
            raise NotFound("案件不存在")
        targets, source = [(p, actor.id) for p in parties], "portal"
    now = clock.now()
    out = []
    for party, account in targets:
        consent = db.session.scalar(sa.select(ServiceConsent).where(ServiceConsent.party_id == party.id))
        if consent is None:
            consent = ServiceConsent(case_id=case.id, party=party, user_id=account, source=source, given_at=now,
                                     recorded_by_id=actor.id)
            db.session.add(consent)
        elif not consent.active or consent.user_id != account:
            consent.user_id, consent.source, consent.given_at, consent.withdrawn_at = account, source, now, None
            consent.recorded_by_id = actor.id
        else:
            out.append(consent)
            continue
        db.session.flush()
        record_event(case, tag="case:notice:consent", actor=actor,
                     summary=f"{party.name}同意电子送达（{'网上确认' if source == 'portal' else '书面确认'}）",
                     data={"party_id": party.id, "source": source})
        out.append(consent)
        for notice in _unserved_for(case, party):
            deliver(notice, party=party, method=DeliveryMethod.ELECTRONIC, delivered_on=clock.beijing_date(now),
                     delivered_at=now, user_id=account, actor=actor)
    db.session.flush()
    return out


def withdraw_consent(case: Case, *, actor: User) -> list[ServiceConsent]:
    """A party withdraws its consent; later documents are served on paper."""
    parties = {p.id for p in policy.acting_parties(actor, case)}
    rows = [c for c in db.session.scalars(sa.select(ServiceConsent).where(ServiceConsent.case_id == case.id))
            if c.party_id in parties and c.active]
    now = clock.now()
    for c in rows:
        c.withdrawn_at = now
        record_event(case, tag="case:notice:consent_withdrawn", actor=actor,
                     summary=f"{c.party.name}撤回电子送达同意", data={"party_id": c.party_id})
    db.session.flush()
    return rows


def _unserved_for(case: Case, party: Party) -> list[Notice]:
    rows = db.session.scalars(sa.select(Notice).where(Notice.case_id == case.id, Notice.status == NoticeStatus.ISSUED)
                              .order_by(Notice.id))
    return [n for n in rows if party.id in n.party_ids and not any(d.party_id == party.id for d in n.deliveries)]

