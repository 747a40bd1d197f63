"""A bare Flask app with one "hello world" route: the ceiling for bench/http.py's ratios.

Served by the same gunicorn as the app, it shows what a Flask request costs before
anything of ours (hooks, extensions, headers) is added.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/bench/hello")
def hello() -> str:
    return "Hello, World!"
