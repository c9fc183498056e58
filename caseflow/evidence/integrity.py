"""fsck for evidence storage: files without rows, rows without files, hash mismatches, temporary leftovers."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import sqlalchemy as sa

from caseflow.core.db import db
from caseflow.evidence.storage import Leftover, Storage, StoredObject

# Every table whose rows point into the content-addressed store by `sha256` (with `size` and `id`): a stored
# file referenced by none of them is an orphan. Issued notices keep their PDFs in the same store, and filing drafts
# the files attached before submission.
REFERENCES = [("证据记录", "caseflow.evidence.models:Evidence"), ("文书记录", "caseflow.notices.models:Notice"),
              ("网上立案草稿附件", "caseflow.portal.models:DraftEvidence")]


def _referencing_models():
    for label, path in REFERENCES:
        module, _, name = path.partition(":")
        try:
            model = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue  # a domain this installation does not have
        yield label, model


@dataclass
class Missing:
    sha256: str
    size: int
    refs: list[tuple[str, int]]

    def where(self) -> str:
        by_label: dict[str, list[str]] = {}
        for label, ref_id in self.refs:
            by_label.setdefault(label, []).append(str(ref_id))
        return "；".join(f"{label} {'、'.join(ids)}" for label, ids in by_label.items())


@dataclass
class Mismatch:
    obj: StoredObject
    actual: str | None  # None when only the size was compared
    expected_size: int | None = None


@dataclass
class FsckReport:
    storage: str
    checked: int = 0
    orphans: list[StoredObject] = field(default_factory=list)
    foreign: list[StoredObject] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    mismatched: list[Mismatch] = field(default_factory=list)
    leftovers: list[Leftover] = field(default_factory=list)

    @property
    def stale_leftovers(self) -> list[Leftover]:
        return [t for t in self.leftovers if not t.in_use]

    @property
    def ok(self) -> bool:
        return not (self.orphans or self.foreign or self.missing or self.mismatched or self.stale_leftovers)

    def lines(self) -> list[str]:
        """The report for people, in Chinese, one finding per line with what it means."""
        out = [f"检查存储：{self.storage}；存储中的文件 {self.checked} 个"]
        for o in self.orphans:
            out.append(f"无记录的文件：{o.key}（{o.size} 字节）——存储中有该文件，但没有任何证据或文书记录引用它；"
                       "通常是上传在写入数据库前中断（文件已落盘、记录未提交），核实后可删除")
        for o in self.foreign:
            out.append(f"无法识别的文件：{o.key}（{o.size} 字节）——文件名不是 SHA-256，不是本系统写入的")
        for m in self.missing:
            out.append(f"缺少文件：{m.sha256}（{m.size} 字节）——{m.where()} 引用该文件，但存储中没有；请从备份恢复")
        for bad in self.mismatched:
            if bad.actual is None:
                out.append(f"大小不符：{bad.obj.key}——存储中 {bad.obj.size} 字节，记录为 {bad.expected_size} 字节；"
                           "文件已被截断或修改，请从备份恢复")
            else:
                out.append(f"哈希不符：{bad.obj.key}——内容的 SHA-256 为 {bad.actual}；文件已损坏或被修改，请从备份恢复")
        for t in self.leftovers:
            out.append(("进行中的上传：" if t.in_use else "残留的临时文件：") + t.describe())
        out.append("检查通过，没有发现问题" if self.ok else "发现问题，见上")
        return out


def fsck(storage: Storage, *, verify_hashes: bool = True) -> FsckReport:
    """Compare storage with the evidence rows; rehash every stored file unless told not to."""
    report = FsckReport(storage.description)
    expected: dict[str, tuple[int, list[tuple[str, int]]]] = {}
    for label, model in _referencing_models():
        rows = db.session.execute(sa.select(model.sha256, model.size, model.id)
                                  .where(model.sha256.is_not(None)).order_by(model.id)).yield_per(2000)
        for sha, size, ref_id in rows:
            entry = expected.setdefault(sha, (size, []))
            entry[1].append((label, ref_id))
    seen: set[str] = set()
    for obj in storage.iter_objects():
        report.checked += 1
        if obj.sha256 is None:
            report.foreign.append(obj)
            continue
        seen.add(obj.sha256)
        if obj.sha256 not in expected:
            report.orphans.append(obj)
            continue
        size = expected[obj.sha256][0]
        if obj.size != size:
            report.mismatched.append(Mismatch(obj, None, size))
            continue
        if verify_hashes:
            actual = storage.rehash(obj.key)
            if actual != obj.sha256:
                report.mismatched.append(Mismatch(obj, actual))
    for sha, (size, ids) in expected.items():
        if sha not in seen:
            report.missing.append(Missing(sha, size, ids))
    report.leftovers = storage.leftovers()
    return report
