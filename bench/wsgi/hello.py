"""The app as production runs it, plus a "hello world" route: the ceiling for bench/http.py."""

from pm_portfolio import create_app

app = create_app()


@app.get("/bench/hello")
def hello() -> str:
    return "Hello, World!"
