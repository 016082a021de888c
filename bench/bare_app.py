"""The baseline: a bare Flask endpoint returning a saved page byte for byte."""

import os
from pathlib import Path

from flask import Flask, Response

PAGE = Path(os.environ["BENCH_PAGE"]).read_bytes()
app = Flask(__name__)


@app.get("/<path:anything>")
def page(anything: str) -> Response:
    return Response(PAGE, mimetype="text/html")
