"""Pilots and implementation of approved proposals: monitoring, inspection, evaluation."""
