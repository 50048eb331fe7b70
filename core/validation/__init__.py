"""Checks a document must pass before it leaves: GİB's XSD and schematron, and our own pre-flight rules."""

from .issue import Issue, ValidationReport

__all__ = ["Issue", "ValidationReport"]
