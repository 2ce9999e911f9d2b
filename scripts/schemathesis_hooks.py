"""Schemathesis hooks of scripts/schemathesis.sh: a resumable upload's bytes
(tus PATCH, `application/offset+octet-stream`) and a signed decree
(`application/pdf`) are sent as plain bytes."""
import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
schemathesis.serializer.alias("application/pdf", "application/octet-stream")

# Hypothesis describes a strategy's filter by parsing the source of its
# lambda; on CPython 3.11 that parse can fail with "SystemError: AST
# constructor recursion depth mismatch" (a CPython bug, at random depths)
# and stop an operation's tests with a runtime error. The description is
# only text: when the parse fails, the lambda is described as unknown.
from hypothesis.internal import lambda_sources as _lambda_sources

_describe = _lambda_sources.lambda_description


def _lambda_description(f):
    try:
        return _describe(f)
    except SystemError:
        return "lambda: <unknown>"


_lambda_sources.lambda_description = _lambda_description
