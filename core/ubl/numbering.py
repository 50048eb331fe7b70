"""GİB document numbers: a 3-character series, the 4-digit year and a 9-digit sequence (16 characters)."""

import re

from ..errors import ValidationFailed

_NUMBER = re.compile(r"^([A-Z0-9]{3})(\d{4})(\d{9})$")
_SERIES = re.compile(r"^[A-Z0-9]{3}$")


def format_number(series, year, sequence):
    if not _SERIES.match(series or ""):
        raise ValidationFailed(
            f"Series {series!r} must be 3 upper-case letters or digits",
            code="tr_edoc.numbering.series",
            params={"series": series},
        )
    if not 1 <= sequence <= 999_999_999 or not 1000 <= year <= 9999:
        raise ValidationFailed(
            f"Sequence {sequence} or year {year} is out of range",
            code="tr_edoc.numbering.range",
            params={"sequence": sequence, "year": year},
        )
    return f"{series}{year:04d}{sequence:09d}"


def parse_number(number):
    """Split a GİB number into ``(series, year, sequence)``; the sequence never starts at zero."""
    match = _NUMBER.match(number or "")
    if not match or int(match.group(3)) == 0:
        raise ValidationFailed(
            f"{number!r} is not a GİB document number (ABC + year + 9 digits)",
            code="tr_edoc.numbering.format",
            params={"number": number},
        )
    return match.group(1), int(match.group(2)), int(match.group(3))


def is_valid_number(number):
    try:
        parse_number(number)
    except ValidationFailed:
        return False
    return True
