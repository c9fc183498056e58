"""`caseflow fsck` finds orphans, missing and corrupted files and temp leftovers; `verify-package` rehashes."""

import hashlib
import json
import zipfile

import pytest

from caseflow.evidence.package import PackageError, build_package, verify_package
from caseflow.evidence.storage import LocalStorage, shard
from tests.evidence import helpers as h
from tests.evidence.conftest import both_backends


@pytest.fixture
def cli(app, session):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=["caseflow", *args])

    return run


def upload(eapi, people, case, data, name="证据.pdf", **kw):
    r = eapi.upload(people["applicant"], case.id, data, name, **kw)
    assert r.status_code == 201, r.json
    return r.json


def put_raw(storage, data: bytes) -> str:
    up = storage.new_temp(None)
    up.write(data)
    storage.put(up)
    return hashlib.sha256(data).hexdigest()


def overwrite(storage, sha: str, data: bytes) -> None:
    """Damage a stored file behind the application's back."""
    if isinstance(storage, LocalStorage):
        path = storage.path_of(sha)
        path.chmod(0o644)
        path.write_bytes(data)
    else:
        storage.client.put_object(Bucket=storage.bucket, Key=storage._key(shard(sha)), Body=data)


def delete(storage, sha: str) -> None:
    if isinstance(storage, LocalStorage):
        storage.path_of(sha).unlink()
    else:
        storage.client.delete_object(Bucket=storage.bucket, Key=storage._key(shard(sha)))


@both_backends
def test_fsck_passes_on_a_clean_store(cli, eapi, people, case, storage):
    upload(eapi, people, case, h.pdf())
    upload(eapi, people, case, h.pdf(), "same-bytes.pdf")
    r = cli("fsck")
    assert r.exit_code == 0, r.output
    assert "检查通过" in r.output and "存储中的文件 1 个" in r.output


@both_backends
def test_fsck_finds_orphan_missing_and_corrupted_files(cli, eapi, people, case, storage):
    kept = upload(eapi, people, case, h.pdf("kept"))
    lost = upload(eapi, people, case, h.png(), "lost.png", kind="physical")
    damaged = upload(eapi, people, case, h.text("原始内容\n"), "note.txt")
    truncated = upload(eapi, people, case, h.jpeg(), "cut.jpg", kind="physical")
    orphan = put_raw(storage, b"bytes that were stored, then the commit never happened")
    delete(storage, lost["sha256"])
    data = h.text("原始内容\n")
    overwrite(storage, damaged["sha256"], data[:-1] + b"!")  # one byte changed, same size
    overwrite(storage, truncated["sha256"], h.jpeg()[:-10])

    r = cli("fsck")
    assert r.exit_code == 1, r.output
    out = r.output
    assert f"无记录的文件：{shard(orphan)}" in out and "上传在写入数据库前中断" in out
    assert f"缺少文件：{lost['sha256']}" in out and f"证据记录 {lost['id']}" in out
    assert f"哈希不符：{shard(damaged['sha256'])}" in out
    assert f"大小不符：{shard(truncated['sha256'])}" in out
    assert kept["sha256"] not in out
    assert "发现问题" in out

    quick = cli("fsck", "--no-hash")  # size checks only: the same-size damage goes unseen, the rest is found
    assert quick.exit_code == 1 and "哈希不符" not in quick.output and "大小不符" in quick.output


def test_fsck_explains_and_cleans_temporary_files(cli, storage):
    crashed = storage.new_temp(None)
    crashed.write(b"an interrupted upload")
    crashed.close()
    running = storage.new_temp(None)
    running.write(b"still arriving")
    try:
        r = cli("fsck")
        assert r.exit_code == 1
        assert f"残留的临时文件：临时文件 {crashed.path}" in r.output and "--clean-temp" in r.output
        assert f"进行中的上传：临时文件 {running.path}" in r.output
        r = cli("fsck", "--clean-temp")
        assert r.exit_code == 0, r.output  # a running upload is not a problem
        assert f"已删除：临时文件 {crashed.path}" in r.output
        assert not crashed.path.exists() and running.path.exists()
    finally:
        running.discard()


def test_fsck_reports_foreign_files(cli, storage):
    odd = storage.root / "sha256" / "ab" / "cd" / "not-a-hash.txt"
    odd.parent.mkdir(parents=True, exist_ok=True)
    odd.write_text("?")
    r = cli("fsck")
    assert r.exit_code == 1 and "无法识别的文件：sha256/ab/cd/not-a-hash.txt" in r.output


@both_backends
def test_package_verifies_and_fails_after_one_changed_byte(cli, eapi, people, case, storage, tmp_path):
    from caseflow.accounts.models import IdType

    case.parties[-1].id_type, case.parties[-1].id_number = IdType.USCC, "91500103MA5U8KJ84F"
    first = upload(eapi, people, case, h.pdf("one"), "合同.pdf")
    second = upload(eapi, people, case, h.jpeg(), "现场.jpg", kind="physical")
    path = build_package(case)
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            names = set(zf.namelist())
            custody = json.loads(zf.read("custody.json"))
            summary = json.loads(zf.read("case.json"))
        assert manifest["case"]["number"] == case.number
        entries = {e["path"]: e for e in manifest["files"]}
        assert entries["files/001-v1-合同.pdf"]["sha256"] == first["sha256"]
        assert entries["files/002-v1-现场.jpg"]["sha256"] == second["sha256"]
        assert {"case.json", "custody.json", "evidence-list.csv"} <= set(entries)
        assert names == set(entries) | {"manifest.json"}
        assert [e["tag"] for e in custody] == ["evidence:upload", "evidence:upload"]
        assert all(len(e["hash"]) == 64 for e in custody)
        assert summary["number"] == case.number and summary["unit"] == "500103"
        respondent = next(p for p in summary["parties"] if p["id_number"])
        assert respondent["id_number"] == "915***********J84F"  # masked unless the referral asks for full IDs

        ok = cli("verify-package", str(path))
        assert ok.exit_code == 0, ok.output
        assert "证据包校验通过：5 个文件" in ok.output

        # Change one byte of one evidence file inside the package (a well-formed zip, wrong content).
        tampered = tmp_path / "tampered.zip"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "files/001-v1-合同.pdf":
                    data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
                dst.writestr(info, data)
        bad = cli("verify-package", str(tampered))
        assert bad.exit_code == 1 and "files/001-v1-合同.pdf：SHA-256 不符" in bad.output

        # Flip one raw byte of the zip file itself.
        raw = bytearray(path.read_bytes())
        offset = raw.index(h.pdf("one")[:40]) + 20
        raw[offset] ^= 0x01
        flipped = tmp_path / "flipped.zip"
        flipped.write_bytes(bytes(raw))
        bad = cli("verify-package", str(flipped))
        assert bad.exit_code == 1 and "files/001-v1-合同.pdf" in bad.output
    finally:
        path.unlink()


def test_verify_package_catches_added_removed_and_garbage(cli, eapi, people, case, storage, tmp_path):
    upload(eapi, people, case, h.pdf())
    path = build_package(case, directory=tmp_path)
    extra = tmp_path / "extra.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(extra, "w") as dst:
        for info in src.infolist():
            if info.filename != "custody.json":
                dst.writestr(info, src.read(info.filename))
        dst.writestr("files/999-smuggled.pdf", b"%PDF-1.4 not in the manifest")
    report = verify_package(extra, max_total=10 * 1024 * 1024)
    assert any("custody.json：清单中有，但证据包中缺少该文件" in p for p in report.problems)
    assert any("files/999-smuggled.pdf：证据包中有，但清单中没有" in p for p in report.problems)
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    r = cli("verify-package", str(garbage))
    assert r.exit_code == 1 and "无法打开证据包" in r.output
    nomanifest = tmp_path / "nomanifest.zip"
    with zipfile.ZipFile(nomanifest, "w") as zf:
        zf.writestr("a.txt", "x")
    assert cli("verify-package", str(nomanifest)).exit_code == 1


def test_package_refuses_a_damaged_store(eapi, people, case, storage, tmp_path):
    ev = upload(eapi, people, case, h.text("原文\n"), "a.txt")
    overwrite(storage, ev["sha256"], h.text("改动\n"))
    with pytest.raises(PackageError):
        build_package(case, directory=tmp_path)
    assert list(tmp_path.glob("package-*.zip")) == []


def test_local_files_are_read_only_once_stored(storage):
    put_raw(storage, b"immutable")
    path = storage.path_of(hashlib.sha256(b"immutable").hexdigest())
    assert path.stat().st_mode & 0o222 == 0
    assert storage.temp_dir.parent == storage.root  # same file system: the final rename is atomic


def test_notice_pdfs_in_the_same_store_are_not_orphans(cli, case, storage):
    notices = pytest.importorskip("caseflow.notices.models")
    from caseflow.core.db import db

    pdf = h.pdf("受理通知书")
    sha = put_raw(storage, pdf)
    db.session.add(notices.Notice(case=case, unit=case.unit, kind="acceptance", title="受理通知书", sha256=sha,
                                  size=len(pdf)))
    db.session.flush()
    r = cli("fsck")
    assert r.exit_code == 0, r.output
    delete(storage, sha)
    r = cli("fsck")
    assert r.exit_code == 1 and "文书记录" in r.output and sha in r.output


def zip_bomb(path, **members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, size in members.items():
            with zf.open(name.replace("__", "/"), "w") as out:  # streamed in: the test holds 1 MiB at a time
                for _ in range(size // (1024 * 1024)):
                    out.write(bytes(1024 * 1024))
    return path


def test_verify_package_refuses_zip_bombs_before_expanding_them(cli, tmp_path):
    """A small zip that expands enormously (the security test's 2 MB that became 4.3 GB of memory) is refused from
    its directory, before anything is expanded."""
    manifest_bomb = zip_bomb(tmp_path / "manifest-bomb.zip", **{"manifest.json": 40 * 1024 * 1024})
    assert manifest_bomb.stat().st_size < 200 * 1024
    r = cli("verify-package", str(manifest_bomb))
    assert r.exit_code == 1 and "压缩比异常" in r.output and "疑似压缩炸弹" in r.output
    member_bomb = zip_bomb(tmp_path / "member-bomb.zip", files__a_bin=30 * 1024 * 1024)
    r = cli("verify-package", str(member_bomb))
    assert r.exit_code == 1 and "files/a_bin：压缩比异常" in r.output
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"files/{i}.txt", "")
    r = cli("verify-package", str(many))
    assert r.exit_code == 1 and "文件过多" in r.output


def test_verify_package_caps_the_total_and_the_manifest(tmp_path):
    from caseflow.evidence import package

    big = zip_bomb(tmp_path / "big.zip", files__a_bin=8 * 1024 * 1024, files__b_bin=8 * 1024 * 1024)
    report = verify_package(big, max_total=10 * 1024 * 1024)
    assert report.problems and "超过上限" in report.problems[0] and not report.ok
    # A manifest over the cap is not read into memory, however little it expands.
    with zipfile.ZipFile(tmp_path / "m.zip", "w") as zf:
        zf.writestr("manifest.json", "[" + " " * (package.MAX_MANIFEST_BYTES + 10) + "]")
    report = verify_package(tmp_path / "m.zip", max_total=10**12)
    assert any("清单过大" in p for p in report.problems)
