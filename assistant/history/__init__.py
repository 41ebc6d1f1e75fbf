"""Versions over time: what changed, and what a later version says instead."""
