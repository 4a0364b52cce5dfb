"""Cooperation: organizations, sharing rules, alerts, cases, meetings, training."""
