"""Serve the app for live tests: `python -m tests.serve PORT` (settings from CASEFLOW_* variables)."""

import sys

from werkzeug.serving import run_simple

from caseflow import create_app

if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), create_app(), threaded=True, use_reloader=False)
