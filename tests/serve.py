"""Serve the app for live tests: `python -m tests.serve PORT` (settings from CASEFLOW_* variables).

CASEFLOW_TEST_CLOCK (an ISO moment) pins the server's clock where the test process's clock stands.
"""

import datetime as dt
import os
import sys

from werkzeug.serving import run_simple

from caseflow import create_app
from caseflow.core import clock

if __name__ == "__main__":
    if os.environ.get("CASEFLOW_TEST_CLOCK"):
        clock.pin(dt.datetime.fromisoformat(os.environ["CASEFLOW_TEST_CLOCK"]))
    run_simple("127.0.0.1", int(sys.argv[1]), create_app(), threaded=True, use_reloader=False)
