"""Command line of the pure core: check and inspect e-documents without Odoo.

    python -m core validate FILE... [--package DIR] [--type efatura|earchive] [--json] [--no-rules]
                                    [--incoming]
    python -m core validate --stream [--package DIR] ...   (paths on stdin, JSON lines on stdout)
    python -m core parse FILE [--package DIR]

Exit status: 0 when every file passed, 1 when any file failed (unreadable, hostile, invalid),
2 for a usage or configuration error. ``--package`` defaults to ``$L10N_TR_EDOC_GIB_PACKAGE``: the
folder holding GİB's ``UBLTR_1.2.1_Paketi/`` and ``e-FaturaPaketi/``; packages of other releases beside
it join in, and each document is checked with the release in force on its IssueDate.
"""

import argparse
import base64
import dataclasses
import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

from .errors import ConfigurationError, EdocError
from .ubl.parse import document_summary, parse_document
from .xmlsafe import DEFAULT_MAX

PACKAGE_ENV = "L10N_TR_EDOC_GIB_PACKAGE"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CHECKS = ("xsd", "schematron", "rules")


def to_json(value):
    """Dataclasses as plain JSON: Decimals as strings (no float rounding), dates ISO, bytes base64."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    return value


def _issue_json(issue):
    return {
        "code": issue.code,
        "path": issue.path,
        "message": issue.message,
        "params": to_json(dict(issue.params)),
        "severity": issue.severity,
    }


def _error_json(error):
    return {"code": error.code, "message": error.message, "params": to_json(error.params)}


def _doc_type(requested, summary):
    if requested:
        return requested
    return "earchive" if summary and summary["profile_id"] == "EARSIVFATURA" else "efatura"


def _validate_one(path, args):
    """One file's result as a JSON-ready dict; never raises for a bad document, only reports it."""
    result = {"file": str(path), "ok": False}
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        result["error"] = {"code": "tr_edoc.cli.unreadable", "message": str(exc), "params": {}}
        return result
    try:
        summary = document_summary(data, max_bytes=args.max_bytes)
    except EdocError as exc:
        result["error"] = _error_json(exc)
        return result
    from .validation import validate_document

    doc_type = _doc_type(args.type, summary)
    result.update(kind=summary["kind"], id=summary["id"], profile_id=summary["profile_id"], doc_type=doc_type)
    package_dir = args.package
    if package_dir:
        from .validation.package import PackageStore

        store = getattr(args, "store", None) or PackageStore.discover(package_dir)
        in_force = store.for_date(summary["issue_date"])
        if in_force is not None:
            package_dir = in_force.folder
            result["gib_release"] = in_force.release
    try:
        report = validate_document(
            data, package_dir=package_dir, doc_type=doc_type, rules=args.rules, incoming=args.incoming
        )
    except ConfigurationError:
        raise
    except EdocError as exc:
        result["error"] = _error_json(exc)
        return result
    result["ok"] = report.ok
    result["skipped"] = list(report.skipped)
    for check, issues in zip(CHECKS, (report.xsd, report.schematron, report.rules), strict=True):
        result[check] = [_issue_json(issue) for issue in issues]
    return result


def _print_human(result, out):
    head = "OK  " if result["ok"] else "FAIL"
    what = " ".join(str(result[k]) for k in ("kind", "profile_id", "id") if result.get(k))
    print(f"{head} {result['file']}" + (f"  ({what})" if what else ""), file=out)
    if "error" in result:
        error = result["error"]
        print(f"    [{error['code']}] {error['message']}", file=out)
        return
    for check in CHECKS:
        if check in result["skipped"]:
            print(f"    {check:<11} skipped", file=out)
            continue
        issues = result[check]
        errors = sum(1 for issue in issues if issue["severity"] == "error")
        print(f"    {check:<11} {'ok' if not errors else f'{errors} error(s)'}", file=out)
        for issue in issues:
            print(
                f"      {issue['severity']}: [{issue['code']}] {issue['path']}: {issue['message']}", file=out
            )


def cmd_validate(args, out):
    if args.stream:
        return _validate_stream(args, sys.stdin, out)
    if not args.files:
        print("usage: python -m core validate FILE... (or --stream): no file to check", file=sys.stderr)
        return EXIT_USAGE
    results = [_validate_one(path, args) for path in args.files]
    if args.json:
        json.dump(results, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for result in results:
            _print_human(result, out)
        failed = sum(1 for r in results if not r["ok"])
        print(f"{len(results) - failed} passed, {failed} failed", file=out)
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_FAILED


def _validate_stream(args, lines, out):
    """One file path per input line, one JSON result per output line, until the input closes: the
    validators compile once and check documents as the caller produces them."""
    if args.package:
        from .validation.package import PackageStore

        args.store = PackageStore.discover(args.package)
    for line in lines:
        path = line.rstrip("\n")
        if path:
            out.write(json.dumps(_validate_one(path, args), ensure_ascii=False) + "\n")
            out.flush()
    return EXIT_OK


def cmd_parse(args, out):
    try:
        data = Path(args.file).read_bytes()
        document = parse_document(data, max_bytes=args.max_bytes)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except EdocError as exc:
        print(f"error: [{exc.code}] {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    payload = {"document_type": type(document).__name__, "document": to_json(document)}
    status = EXIT_OK
    if args.package:
        check = _validate_one(args.file, args)
        payload["validation"] = {k: v for k, v in check.items() if k != "file"}
        status = EXIT_OK if check["ok"] else EXIT_FAILED
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return status


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub):
        sub.add_argument(
            "--package",
            default=os.environ.get(PACKAGE_ENV) or None,
            help=f"GİB package folder (default: ${PACKAGE_ENV})",
        )
        sub.add_argument("--max-bytes", type=int, default=DEFAULT_MAX, help=argparse.SUPPRESS)

    validate = commands.add_parser("validate", help="XSD, schematron and own rules for each file")
    validate.add_argument("files", nargs="*", metavar="FILE")
    validate.add_argument(
        "--stream", action="store_true", help="read file paths from standard input, one JSON line each"
    )
    common(validate)
    validate.add_argument(
        "--type", choices=("efatura", "earchive"), help="schematron mode (default: from ProfileID)"
    )
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    validate.add_argument(
        "--no-rules", dest="rules", action="store_false", help="skip our own pre-flight rules"
    )
    validate.add_argument(
        "--incoming",
        action="store_true",
        help="a document we received: our own rules only inform, GİB's checks still decide",
    )
    validate.set_defaults(handler=cmd_validate, type=None)

    parse = commands.add_parser("parse", help="print a document as JSON (Decimals as strings)")
    parse.add_argument("file", metavar="FILE")
    common(parse)
    parse.set_defaults(handler=cmd_parse, type=None, rules=True, incoming=False)
    return parser


def main(argv=None, out=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args, out)
    except ConfigurationError as exc:
        print(f"configuration error: [{exc.code}] {exc.message}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
