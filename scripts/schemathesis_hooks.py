"""Schemathesis hooks for Enlace: the sync batch is binary (docs/JOURNAL-FORMAT.md), sent as
raw bytes like application/octet-stream so that generated and mutated bodies reach the server."""
import schemathesis

schemathesis.serializer.alias("application/vnd.enlace.batch", "application/octet-stream")
