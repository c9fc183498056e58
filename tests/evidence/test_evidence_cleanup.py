"""Temporary files of interrupted uploads go away by themselves (the `remind` cron job, after uploads, at start),
once older than UPLOAD_TEMP_MAX_AGE_SECONDS; uploads still in progress (their file locked) are never touched.
`fsck --clean-temp` remains for removing them at once."""

from __future__ import annotations

import fcntl
import os

import pytest

from caseflow.evidence.storage import TEMP_PREFIX, TEMP_SUFFIX
from tests.evidence import helpers as h

HOUR = 3600


def leftover(storage, name: str, age_seconds: float):
    """A temp file as a killed upload leaves it: nobody holds its lock."""
    path = storage.temp_dir / f"{TEMP_PREFIX}{name}{TEMP_SUFFIX}"
    path.write_bytes(b"half an upload")
    then = path.stat().st_mtime - age_seconds  # on the clock that stamps the files, as the application measures ages
    os.utime(path, (then, then))
    return path


@pytest.fixture
def abandoned(storage):
    return {"old": leftover(storage, "killed-1", 2 * HOUR), "recent": leftover(storage, "killed-2", 60)}


def test_the_remind_cron_job_removes_abandoned_temp_files(app, session, storage, abandoned):
    in_progress = leftover(storage, "running", 2 * HOUR)
    fd = os.open(in_progress, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # an upload still receiving on a slow link
    try:
        r = app.test_cli_runner().invoke(args=["caseflow", "remind"])
    finally:
        os.close(fd)
    assert r.exit_code == 0, r.output
    assert "已删除中断上传留下的临时文件 1 个" in r.output
    assert not abandoned["old"].exists()
    assert abandoned["recent"].exists() and in_progress.exists()


def test_the_age_is_configurable(app, session, storage, abandoned):
    app.config["UPLOAD_TEMP_MAX_AGE_SECONDS"] = 30
    try:
        r = app.test_cli_runner().invoke(args=["caseflow", "remind"])
    finally:
        app.config["UPLOAD_TEMP_MAX_AGE_SECONDS"] = HOUR
    assert r.exit_code == 0 and "临时文件 2 个" in r.output
    assert not abandoned["old"].exists() and not abandoned["recent"].exists()


def test_an_upload_cleans_up_now_and_then(app, eapi, people, case, storage, abandoned):
    app.extensions.pop("caseflow_temp_cleaned", None)  # as in a process that has not looked for a while
    r = eapi.upload(people["applicant"], case.id, h.pdf())
    assert r.status_code == 201, r.json
    assert not abandoned["old"].exists() and abandoned["recent"].exists()
    again = leftover(storage, "killed-3", 2 * HOUR)
    assert eapi.upload(people["applicant"], case.id, h.pdf("2")).status_code == 201
    assert again.exists()  # looked just now: not again on every upload


def test_fsck_clean_temp_still_removes_them_at_once(app, session, storage, abandoned):
    r = app.test_cli_runner().invoke(args=["caseflow", "fsck", "--clean-temp"])
    assert r.exit_code == 0, r.output
    assert not abandoned["old"].exists() and not abandoned["recent"].exists()
