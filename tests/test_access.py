"""Every route states who may use it; a route without a decision fails here."""

from __future__ import annotations

from portal.access import access_rule


def test_every_route_declares_its_access(app):
    undecided = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and access_rule(app.view_functions[rule.endpoint]) is None
    ]
    assert undecided == []
