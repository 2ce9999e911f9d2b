"""Schemathesis hooks of scripts/schemathesis.sh: a resumable upload's bytes
(tus PATCH, `application/offset+octet-stream`) are sent as plain bytes."""
import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
