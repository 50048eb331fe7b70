"""Exceptions raised by the pure core.

Each error carries a stable, language-independent ``code`` (``tr_edoc.<area>.<reason>``)
and ``params`` so that the ORM layer can store it and translate it for display; ``message``
is the English text for logs and command-line use. ``retryable`` tells the caller whether
the same request may be tried again unchanged.
"""


def _lt(text):
    """Mark a message for translation extraction; the ORM layer translates it on display."""
    return text


class EdocError(Exception):
    code = "tr_edoc.error"
    retryable = False

    def __init__(self, message, *, code=None, params=None, retryable=None, remote_code=None):
        self.message = message
        self.code = code or self.code
        self.params = dict(params or {})
        self.remote_code = remote_code
        if retryable is not None:
            self.retryable = retryable
        super().__init__(message)

    def __str__(self):
        if self.remote_code:
            return f"[{self.remote_code}] {self.message}"
        return self.message


class ConfigurationError(EdocError):
    """Something the administrator must fix (missing package, bad endpoint, bad option)."""

    code = "tr_edoc.config"


class XmlSecurityError(EdocError):
    """Incoming XML that is hostile or too large: refused before anything else reads it."""

    code = "tr_edoc.xml.refused"


class ParseError(EdocError):
    """Well-formed XML that is not a document we understand (wrong root, missing parts)."""

    code = "tr_edoc.xml.parse"


class ValidationFailed(EdocError):
    """The document breaks the XSD, the schematron or a pre-flight rule; nothing was sent."""

    code = "tr_edoc.validation"

    def __init__(self, message, *, issues=(), **kwargs):
        super().__init__(message, **kwargs)
        self.issues = tuple(issues)


class AuthError(EdocError):
    """The integrator refused our credentials or session."""

    code = "tr_edoc.auth"


class TransportError(EdocError):
    """The request did not reach the integrator, so it is safe to try again."""

    code = "tr_edoc.transport"
    retryable = True


class UnknownOutcome(EdocError):
    """The request may have been accepted (timeout or 5xx after submit): query before any resend."""

    code = "tr_edoc.unknown_outcome"
    retryable = False


class RemoteRejected(EdocError):
    """The integrator or GİB answered and said no."""

    code = "tr_edoc.remote_rejected"


class DuplicateDocument(RemoteRejected):
    """The integrator already holds a document with this identity; resolve by a status query."""

    code = "tr_edoc.duplicate"
