"""The rules several blueprints need, as plain functions over the models.

Nothing here reads the request: callers pass the owner, the date and the data.
"""
