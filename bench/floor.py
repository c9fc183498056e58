"""The application itself plus one empty page behind the login: what any signed-in page costs at least.

Served beside the case and queue pages so the report shows how much of the gap to "hello" is the session and
user loading that every staff page pays, and how much is the page's own work.
"""

from flask_login import login_required

from wsgi import app


@app.get("/_bench/signed-in")
@login_required
def signed_in():
    """Answer with a constant once the session's user is loaded."""
    return "ok"
