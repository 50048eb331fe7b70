"""Check each outgoing REST request against an integrator's OpenAPI 3.0 description (tests only).

The path template and method must exist, path and query parameters must match their schemas,
and a JSON body must match the request body schema (openapi-schema-validator's OAS 3.0 rules,
so ``nullable`` and formats count). Multipart uploads must use a declared multipart body with
the declared part names.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4


class OpenApiViolation(AssertionError):
    pass


class OpenApiRequestCheck:
    def __init__(self, *spec_paths):
        self.operations = []
        self.checked = []
        for number, path in enumerate(spec_paths):
            with open(path, encoding="utf-8") as handle:
                spec = json.load(handle)
            uri = f"urn:spec:{number}"
            registry = Registry().with_resource(
                uri, Resource.from_contents(spec, default_specification=DRAFT4)
            )
            for template, methods in spec["paths"].items():
                pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "([^/]+)", template) + "$")
                names = re.findall(r"\{([^}]+)\}", template)
                for method, operation in methods.items():
                    self.operations.append(
                        (method.upper(), pattern, names, template, operation, uri, registry)
                    )

    def _validate(self, schema, value, uri, registry, where):
        validator = OAS30Validator(_anchored(schema, uri), registry=registry)
        errors = sorted(validator.iter_errors(value), key=str)
        if errors:
            raise OpenApiViolation(f"{where}: {errors[0].message}")

    def __call__(self, prepared):
        url = urlsplit(prepared.url)
        matches = [
            entry for entry in self.operations if entry[0] == prepared.method and entry[1].match(url.path)
        ]
        # A literal path ("/einvoice/Purchase/SendAnswer") beats a template ("/einvoice/Purchase/{UUID}").
        matches.sort(key=lambda entry: entry[3].count("{"))
        if not matches:
            raise OpenApiViolation(f"{prepared.method} {url.path} is not in the OpenAPI description")
        method, pattern, names, template, operation, uri, registry = matches[0]
        values = dict(zip(names, pattern.match(url.path).groups(), strict=True))
        query = parse_qs(url.query, keep_blank_values=True)
        declared = {(p["in"], p["name"]): p for p in operation.get("parameters", ())}
        for name in query:
            if ("query", name) not in declared:
                raise OpenApiViolation(f"{template}: query parameter {name} is not declared")
        for (place, name), parameter in declared.items():
            schema = parameter.get("schema", {})
            if place == "path":
                self._validate(schema, values[name], uri, registry, f"{template} path {name}")
            elif place == "query" and name in query:
                is_array = schema.get("type") == "array"
                value = query[name] if is_array else query[name][0]
                self._validate(schema, _coerce(schema, value), uri, registry, f"{template} query {name}")
            elif parameter.get("required") and place == "query":
                raise OpenApiViolation(f"{template}: required query parameter {name} is missing")
        content = operation.get("requestBody", {}).get("content", {})
        content_type = (prepared.headers.get("Content-Type") or "").split(";")[0].strip()
        if prepared.body:
            if content_type not in content:
                raise OpenApiViolation(f"{template}: body type {content_type} is not declared")
            schema = content[content_type].get("schema", {})
            if content_type == "application/json":
                self._validate(schema, json.loads(prepared.body), uri, registry, f"{template} body")
            elif content_type == "multipart/form-data":
                parts = set(re.findall(rb'form-data; name="([^"]+)"', prepared.body))
                declared_parts = {name.encode() for name in schema.get("properties", {})}
                if not parts or not parts <= declared_parts:
                    raise OpenApiViolation(f"{template}: multipart parts {parts} not in {declared_parts}")
        elif operation.get("requestBody", {}).get("required"):
            raise OpenApiViolation(f"{template}: the request body is required")
        self.checked.append(f"{method} {template}")


def _anchored(schema, uri):
    """The schema with its local ``#/components/...`` references pointing into the spec document."""
    if isinstance(schema, dict):
        return {
            key: uri + value if key == "$ref" and value.startswith("#") else _anchored(value, uri)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_anchored(item, uri) for item in schema]
    return schema


def _coerce(schema, value):
    """Query strings are text; give the validator the type the schema declares."""
    kind = schema.get("type")
    if kind == "array":
        return [_coerce(schema.get("items", {}), item) for item in value]
    if kind == "integer":
        return int(value) if value.lstrip("-").isdigit() else value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value
