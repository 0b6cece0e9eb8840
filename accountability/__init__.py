"""Accountability cases, protection under Art. 11, recognition and replication."""
