"""Alerts: an incident near an asset raises an alert, routed to those it concerns (issue 14).

Rules (:mod:`.rules`) say which incidents near which assets matter; :mod:`.matching` finds
them in bulk against the risk engine's spatial index; :mod:`.routing` works out who must
know and why; :mod:`.raising` stores and groups alerts in the writer's own transaction.
"""
