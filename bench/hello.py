"""The bare Flask "hello" endpoint the page throughput is compared with (docs/architecture.md, Quality targets),
served the same way."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Answer with a constant, nothing else."""
    return "hello"
