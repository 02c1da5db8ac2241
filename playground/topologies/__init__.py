"""Topologies: saved documents with immutable numbered revisions, owners and view links."""
