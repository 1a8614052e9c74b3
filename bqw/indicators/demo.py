"""Placeholder; the demo step is filled in later."""


def step(orgs):
    return None
