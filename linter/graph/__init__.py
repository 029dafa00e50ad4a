"""``shiplint graph``: the compose topology and the Dockerfile stage graphs, with findings.

Nothing here is imported by ``shiplint check``; the command imports it when asked.
"""
