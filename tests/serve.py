"""Serve the app for live tests: `python -m tests.serve PORT` (settings from CASEFLOW_* variables).

CASEFLOW_TEST_CLOCK (an ISO moment) pins the server's clock where the test process's clock stands;
CASEFLOW_TEST_CLOCK_FILE names a file a test may write another ISO moment into (``LiveServer.move_clock``): the next
request re-pins the clock there (a hearing held on its day, a week later).
"""

import datetime as dt
import os
import sys
from pathlib import Path

from werkzeug.serving import run_simple

from caseflow import create_app
from caseflow.core import clock

if __name__ == "__main__":
    if os.environ.get("CASEFLOW_TEST_CLOCK"):
        clock.pin(dt.datetime.fromisoformat(os.environ["CASEFLOW_TEST_CLOCK"]))
    app = create_app()
    clock_file = os.environ.get("CASEFLOW_TEST_CLOCK_FILE")
    if clock_file:
        seen = {"moment": ""}

        @app.before_request
        def follow_the_test_clock():
            try:
                moment = Path(clock_file).read_text().strip()
            except OSError:
                return
            if moment and moment != seen["moment"]:
                seen["moment"] = moment
                clock.pin(dt.datetime.fromisoformat(moment))

    run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True, use_reloader=False)
