"""Our own ISO Schematron → XSLT 3.0 compiler, small enough to read in one sitting.

GİB's rules need XPath 2.0 (``matches``, ``xs:date``), which lxml's XSLT 1.0 based isoschematron cannot
run, and the ISO skeleton is third-party code we do not ship. This compiler covers what GİB's package uses
and a little more: ``include`` (with ``#id`` fragments), ``let`` at schema/pattern/rule level (schema-level
ones become stylesheet parameters, so GİB's ``type`` can be set to ``earchive``), patterns, abstract rules
with ``extends``, abstract patterns with ``is-a``/``param``, rules outside any pattern, ``assert`` and
``report`` with ``value-of``/``name`` in their text, and ``ns``. Every pattern is active (phases are not
selected), as in the default ``#ALL`` phase.

Within one pattern a node is checked by the first rule whose context matches it, as ISO requires; each
pattern walks the whole document independently (one XSLT mode per pattern).

A schema without ``queryBinding`` (GİB's) or with an XSLT 1.0 binding runs its expressions in XPath 1.0
compatibility mode: ``string(a/b)`` takes the first of several nodes instead of failing, which is what
GİB's rules expect (despatch documents have several drivers), while XPath 2.0 functions stay available.
"""

import re
from pathlib import Path

from lxml import etree

from ..errors import ConfigurationError

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
XS = "http://www.w3.org/2001/XMLSchema"
OUT = "urn:l10n-tr-edoc:schematron-result"
TODAY_PARAM = "tr-edoc-gib-today"
"""Stylesheet parameter standing in for ``current-date()``: GİB's rules run on Istanbul's calendar, while
Saxon's clock follows the machine's time zone (a document dated today in Istanbul after 21:00 UTC would
otherwise be 'in the future')."""
_LITERAL_OR_CLOCK = re.compile(r"""("[^"]*"|'[^']*')|\bcurrent-date\(\s*\)""")
_OUT_PREFIX = "trv"
_XPATH1_BINDINGS = ("xslt", "xslt1", "xpath", "exslt")
IMPLICIT_PATTERN = "general"
"""Name given to rules written directly under ``schema`` (GİB's "General Rules"), outside any pattern."""


def _sch(tag):
    return f"{{{SCH}}}{tag}"


def _is_sch(node, *names):
    return (
        isinstance(node.tag, str)
        and etree.QName(node).namespace == SCH
        and etree.QName(node).localname in names
    )


def _unsupported(message, path):
    return ConfigurationError(
        f"Schematron {path}: {message}",
        code="tr_edoc.config.schematron_unsupported",
        params={"path": str(path), "detail": message},
    )


def _parse(path):
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_comments=True)
    try:
        return etree.parse(str(path), parser).getroot()
    except OSError as exc:
        raise ConfigurationError(
            f"Schematron file {path} cannot be read: {exc}",
            code="tr_edoc.config.schematron_missing",
            params={"path": str(path)},
        ) from exc
    except etree.XMLSyntaxError as exc:
        raise ConfigurationError(
            f"Schematron file {path} is not well-formed XML: {exc}",
            code="tr_edoc.config.schematron_broken",
            params={"path": str(path)},
        ) from exc


def _expand_includes(element, base, seen=()):
    """Replace every ``sch:include`` by the element it points at, recursively, refusing cycles."""
    for include in list(element.iter(_sch("include"))):
        href = include.get("href") or ""
        file_part, _, fragment = href.partition("#")
        target_path = (base.parent / file_part).resolve() if file_part else base
        key = (target_path, fragment)
        if key in seen:
            raise _unsupported(f"include cycle through {href}", base)
        if "://" in file_part:
            raise _unsupported(f"remote include {href} is not allowed", base)
        included_root = _parse(target_path)
        if fragment:
            matches = included_root.xpath("//*[@id=$f or @xml:id=$f]", f=fragment)
            if not matches:
                raise _unsupported(f"include {href}: no element with id {fragment!r}", base)
            replacement = [matches[0]]
        elif _is_sch(included_root, "schema"):
            replacement = [child for child in included_root if isinstance(child.tag, str)]
        else:
            replacement = [included_root]
        for node in replacement:
            _expand_includes(node, target_path, (*seen, key))
        parent = include.getparent()
        position = parent.index(include)
        parent.remove(include)
        for offset, node in enumerate(replacement):
            parent.insert(position + offset, node)


class _Rule:
    """A concrete rule after ``extends`` was inlined: its context, lets and checks in document order."""

    def __init__(self, pattern_id, context, lets, checks):
        self.pattern_id = pattern_id
        self.context = context
        self.lets = lets
        self.checks = checks


class _Check:
    def __init__(self, kind, rule_id, number, element):
        self.kind = kind
        self.rule_id = rule_id
        self.number = number
        self.element = element


class _Schema:
    """The include-expanded schema split into what the XSLT generator needs."""

    def __init__(self, root, path):
        self.path = path
        self.namespaces = {}
        self.params = []
        self.variables = []
        self.abstract_rules = {}
        self.abstract_patterns = {}
        self.patterns = []
        self._collect(root)

    def _collect(self, root):
        for ns in root.iter(_sch("ns")):
            self.namespaces[ns.get("prefix")] = ns.get("uri")
        for rule in root.iter(_sch("rule")):
            if rule.get("abstract") == "true":
                self.abstract_rules[rule.get("id")] = rule
        for pattern in root.iter(_sch("pattern")):
            if pattern.get("abstract") == "true":
                self.abstract_patterns[pattern.get("id")] = pattern
        loose_rules = []
        for child in root:
            if _is_sch(child, "let"):
                self.params.append(child)
            elif _is_sch(child, "pattern") and child.get("abstract") != "true":
                self.variables.extend(c for c in self._pattern_body(child) if _is_sch(c, "let"))
                self.patterns.append((self._pattern_name(child), self._rules_of(child)))
            elif _is_sch(child, "rule") and child.get("abstract") != "true":
                loose_rules.append(child)
        if loose_rules:
            self.patterns.append(
                (IMPLICIT_PATTERN, [self._concrete(IMPLICIT_PATTERN, rule) for rule in loose_rules])
            )

    def _pattern_name(self, pattern):
        return pattern.get("id") or pattern.get("name") or f"pattern{len(self.patterns) + 1}"

    def _pattern_body(self, pattern):
        """A pattern's children; an ``is-a`` instance gets its abstract pattern's, parameters filled in."""
        if not pattern.get("is-a"):
            return list(pattern)
        abstract = self.abstract_patterns.get(pattern.get("is-a"))
        if abstract is None:
            raise _unsupported(f"pattern is-a {pattern.get('is-a')!r} has no abstract pattern", self.path)
        params = {p.get("name"): p.get("value") for p in pattern if _is_sch(p, "param")}
        names = sorted(params, key=len, reverse=True)
        substitute = re.compile(r"\$(" + "|".join(map(re.escape, names)) + r")\b") if names else None
        body = []
        for child in abstract:
            copy = etree.fromstring(etree.tostring(child))
            if substitute is not None:
                for node in copy.iter():
                    for attr in ("context", "test", "select", "value", "path"):
                        if node.get(attr):
                            node.set(attr, substitute.sub(lambda m: params[m.group(1)], node.get(attr)))
            body.append(copy)
        return body

    def _rules_of(self, pattern):
        name = self._pattern_name(pattern)
        return [
            self._concrete(name, child)
            for child in self._pattern_body(pattern)
            if _is_sch(child, "rule") and child.get("abstract") != "true"
        ]

    def _concrete(self, pattern_id, rule):
        lets, checks = [], []
        self._inline(rule, rule.get("id") or pattern_id, lets, checks, ())
        return _Rule(pattern_id, rule.get("context"), lets, checks)

    def _inline(self, rule, rule_id, lets, checks, trail):
        number = 0
        for child in rule:
            if _is_sch(child, "let"):
                lets.append(child)
            elif _is_sch(child, "assert", "report"):
                number += 1
                checks.append(_Check(etree.QName(child).localname, child.get("id") or rule_id, number, child))
            elif _is_sch(child, "extends"):
                target = child.get("rule")
                if target in trail:
                    raise _unsupported(f"extends cycle through rule {target!r}", self.path)
                abstract = self.abstract_rules.get(target)
                if abstract is None:
                    raise _unsupported(f"extends names unknown abstract rule {target!r}", self.path)
                self._inline(abstract, target, lets, checks, (*trail, target))


def _message(parent, check):
    """Copy the assert text into the result element, evaluating ``value-of`` and ``name`` in place."""

    def add_text(text):
        if text:
            node = etree.SubElement(parent, f"{{{XSL}}}text")
            node.text = text

    add_text(check.element.text)
    for child in check.element:
        if _is_sch(child, "value-of"):
            etree.SubElement(parent, f"{{{XSL}}}value-of", select=child.get("select"))
        elif _is_sch(child, "name"):
            select = f"name({child.get('path')})" if child.get("path") else "name()"
            etree.SubElement(parent, f"{{{XSL}}}value-of", select=select)
        else:
            add_text("".join(child.itertext()))
        add_text(child.tail)


_LOCATION_FUNCTION = (
    "string-join(for $a in $n/ancestor-or-self::* return concat('/', name($a), '[', "
    "count($a/preceding-sibling::*[node-name(.) eq node-name($a)]) + 1, ']'), '')"
    " || (if ($n instance of attribute()) then concat('/@', name($n)) else '')"
)


def _gib_clock(expression):
    """``expression`` with ``current-date()`` read from :data:`TODAY_PARAM`; string literals untouched."""
    if not expression:
        return expression
    return _LITERAL_OR_CLOCK.sub(
        lambda m: m.group(1) or f"xs:date(${TODAY_PARAM})",
        expression,
    )


def compile_schematron(path):
    """Return the XSLT 3.0 text that checks documents against the schematron at ``path``."""
    path = Path(path).resolve()
    root = _parse(path)
    if not _is_sch(root, "schema"):
        raise _unsupported("root element is not an ISO schematron schema", path)
    _expand_includes(root, path)
    schema = _Schema(root, path)

    compat = (
        {} if (root.get("queryBinding") or "xslt").lower() not in _XPATH1_BINDINGS else {"version": "1.0"}
    )
    nsmap = {prefix: uri for prefix, uri in schema.namespaces.items() if prefix not in ("xsl", _OUT_PREFIX)}
    nsmap.update({"xsl": XSL, _OUT_PREFIX: OUT})
    nsmap.setdefault("xs", XS)
    sheet = etree.Element(
        f"{{{XSL}}}stylesheet", nsmap=nsmap, version="3.0", **{"exclude-result-prefixes": "#all"}
    )
    etree.SubElement(sheet, f"{{{XSL}}}param", name=TODAY_PARAM, select="string(current-date())")
    for let in schema.params:
        etree.SubElement(
            sheet,
            f"{{{XSL}}}param",
            name=let.get("name"),
            select=_gib_clock(let.get("value")) or "()",
            **compat,
        )
    for let in schema.variables:
        etree.SubElement(
            sheet,
            f"{{{XSL}}}variable",
            name=let.get("name"),
            select=_gib_clock(let.get("value")) or "()",
            **compat,
        )

    function = etree.SubElement(
        sheet, f"{{{XSL}}}function", name=f"{_OUT_PREFIX}:location", **{"as": "xs:string"}
    )
    etree.SubElement(function, f"{{{XSL}}}param", name="n", **{"as": "node()"})
    etree.SubElement(function, f"{{{XSL}}}sequence", select=_LOCATION_FUNCTION)

    entry = etree.SubElement(sheet, f"{{{XSL}}}template", match="/")
    results = etree.SubElement(entry, f"{{{OUT}}}results")
    for index, (pattern_id, rules) in enumerate(schema.patterns):
        mode = f"p{index}"
        etree.SubElement(sheet, f"{{{XSL}}}mode", name=mode, **{"on-no-match": "shallow-skip"})
        # The built-in shallow-skip does not visit attributes, and GİB has rules on @currencyID/@unitCode.
        walk = etree.SubElement(sheet, f"{{{XSL}}}template", match="/|*", mode=mode, priority="-10")
        etree.SubElement(walk, f"{{{XSL}}}apply-templates", select="@*|node()", mode=mode)
        etree.SubElement(results, f"{{{XSL}}}apply-templates", select="/", mode=mode)
        for position, rule in enumerate(rules):
            # Earlier rules get higher priority: the first matching rule of a pattern wins.
            template = etree.SubElement(
                sheet,
                f"{{{XSL}}}template",
                match=rule.context,
                mode=mode,
                priority=str(len(rules) - position),
                **compat,
            )
            for let in rule.lets:
                etree.SubElement(
                    template,
                    f"{{{XSL}}}variable",
                    name=let.get("name"),
                    select=_gib_clock(let.get("value")) or "()",
                )
            for check in rule.checks:
                test = check.element.get("test")
                condition_test = _gib_clock(test)
                condition = f"not({condition_test})" if check.kind == "assert" else f"({condition_test})"
                when = etree.SubElement(template, f"{{{XSL}}}if", test=condition)
                hit = etree.SubElement(when, f"{{{OUT}}}issue")
                for name, value in (
                    ("kind", check.kind),
                    ("rule", check.rule_id),
                    ("pattern", pattern_id),
                    ("number", str(check.number)),
                    ("role", check.element.get("role") or check.element.get("flag") or ""),
                    ("test", test),
                ):
                    attribute = etree.SubElement(hit, f"{{{XSL}}}attribute", name=name)
                    attribute.text = value
                location = etree.SubElement(hit, f"{{{XSL}}}attribute", name="location")
                location.set("select", f"{_OUT_PREFIX}:location(.)")
                _message(hit, check)
            etree.SubElement(template, f"{{{XSL}}}apply-templates", select="@*|node()", mode=mode)
    return etree.tostring(sheet, encoding="unicode")
