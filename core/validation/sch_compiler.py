"""Our own ISO Schematron → XSLT 3.0 compiler, small enough to read in one sitting.

GİB's rules need XPath 2.0 (``matches``, ``xs:date``), which lxml's XSLT 1.0 based isoschematron cannot
run, and the ISO skeleton is third-party code we do not ship. This compiler covers what GİB's package uses
and a little more: ``include`` (with ``#id`` fragments), ``let`` at schema/pattern/rule level (schema-level
ones become stylesheet parameters, so GİB's ``type`` can be set to ``earchive``), patterns, abstract rules
with ``extends``, abstract patterns with ``is-a``/``param``, rules outside any pattern, ``assert`` and
``report`` with ``value-of``/``name`` in their text, and ``ns``. Every pattern is active (phases are not
selected), as in the default ``#ALL`` phase.

Within one pattern a node is checked by the first rule whose context matches it, as ISO requires; each
pattern is one XSLT mode, run over the nodes its rule contexts can match (not a walk of every node), and
GİB's code-list tests ``contains($List, concat(',', x, ','))`` are answered by a map lookup when ``x`` has
no comma (see :func:`_code_list_lookups` and :func:`_candidates` for why the verdicts stay the same).

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


_CODE_LIST = re.compile(r"""\s*(?:'(,[^']*,)'|"(,[^"]*,)")\s*""")
_CONTAINS_IN_LIST = re.compile(r"(?<![\w.:-])contains\s*\(\s*\$([\w.-]+)\s*,\s*(concat)\s*\(")
_BINDING = re.compile(r"(?<![\w.:-])(?:for|let|some|every)\s*\$")
_MAP_CONTAINS = "Q{http://www.w3.org/2005/xpath-functions/map}contains"


def _code_lists(schema):
    """GİB's code lists: pattern-level lets whose value is one string literal ``',A,B,...,'``, by name,
    with the codes between the commas."""
    names = [let.get("name") for let in schema.variables]
    overridable = {let.get("name") for let in schema.params}
    lists = {}
    for let in schema.variables:
        name, match = let.get("name"), _CODE_LIST.fullmatch(let.get("value") or "")
        if match and names.count(name) == 1 and name not in overridable:
            lists[name] = list(dict.fromkeys((match.group(1) or match.group(2))[1:-1].split(",")))
    return lists


def _code_list_set(name):
    return f"{_OUT_PREFIX}:codes-{name}"


def _blank_strings(expression):
    """``expression`` with its string literals (quotes included) turned into spaces, positions kept."""
    blank = [" "] * len(expression)
    for position, char, _depth in _outside_strings(expression):
        blank[position] = char
    return "".join(blank)


def _closing(expression, opened):
    """Position of the parenthesis closing the one at ``opened``, or None."""
    level = None
    for position, char, depth in _outside_strings(expression):
        if position == opened:
            level = depth
        elif level is not None and char == ")" and depth == level:
            return position
    return None


def _code_list_lookups(expression, lists):
    """``expression`` with each ``contains($List, concat(',', …, ','))`` on a code list answered by a map
    lookup when the code between the commas has no comma, and by the same ``contains`` otherwise.

    Same answer, always: with ``$List`` = ``',' + codes joined by ',' + ','``, a comma-free ``c`` gives
    ``contains($List, ',c,')`` exactly when ``c`` is one of the codes. Saxon's ``contains`` scans the whole
    list (GİB's unit codes are ~10 KB) for every attribute it checks; the lookup is constant time. An
    expression that binds variables itself (``for $x``, ``let $x``…) is left as it is."""
    blanked = _blank_strings(expression or "")
    if not lists or not expression or _BINDING.search(blanked):
        return expression
    pieces, done = [], 0
    for match in _CONTAINS_IN_LIST.finditer(blanked):
        name = match.group(1)
        if match.start() < done or name not in lists:
            continue
        concat_close = _closing(expression, match.end() - 1)
        if concat_close is None:
            continue
        arguments = [a.strip() for a in _top_level_split(expression[match.end() : concat_close], ",")]
        rest = expression[concat_close + 1 :]
        contains_close = concat_close + 1 + len(rest) - len(rest.lstrip())
        if (
            len(arguments) < 2
            or arguments[0] not in ("','", '","')
            or arguments[-1] not in ("','", '","')
            or expression[contains_close : contains_close + 1] != ")"
        ):
            continue
        probe, code = f"${_OUT_PREFIX}:probe", f"${_OUT_PREFIX}:code"
        pieces.append(expression[done : match.start()])
        pieces.append(
            f"(let {probe} := {expression[match.start(2) : concat_close + 1]}, "
            f"{code} := substring({probe}, 2, string-length({probe}) - 2) "
            f"return if (contains({code}, ',')) then contains(${name}, {probe}) "
            f"else {_MAP_CONTAINS}(${_code_list_set(name)}, {code}))"
        )
        done = contains_close + 1
    pieces.append(expression[done:])
    return "".join(pieces)


_ALL_NODES = "/descendant-or-self::node() | //@*"
_NAME_STEP = re.compile(r"(@|attribute::|child::)?([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*")


def _outside_strings(expression):
    """``(position, character, depth)`` for each character outside string literals; depth counts the
    brackets, parentheses and braces open before it."""
    depth, quote = 0, None
    for position, char in enumerate(expression):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        else:
            if char in ")]}":
                depth -= 1
            yield position, char, depth
            if char in "([{":
                depth += 1


def _top_level_split(expression, separator):
    """``expression`` split at ``separator`` characters outside strings, predicates and parentheses."""
    parts, start = [], 0
    for position, char, depth in _outside_strings(expression):
        if char == separator and depth == 0:
            parts.append(expression[start:position])
            start = position + 1
    parts.append(expression[start:])
    return parts


def _step(text, last):
    """True when ``text`` is a name test with predicates only (an attribute one only as the last step)."""
    match = _NAME_STEP.match(text)
    if not match or (match.group(1) in ("@", "attribute::") and not last):
        return False
    predicates = text[match.end() :]
    if predicates and not (predicates.startswith("[") and predicates.endswith("]")):
        return False
    return all(depth != 0 or char in "[]" for _, char, depth in _outside_strings(predicates))


def _plain_path(alternative):
    """True when ``alternative`` is ``/``, or name steps with predicates joined by single slashes, maybe
    after a leading ``/`` or ``//``."""
    if alternative == "/":
        return True
    steps = _top_level_split(alternative.removeprefix("//").removeprefix("/"), "/")
    return "current(" not in _blank_strings(alternative) and all(
        _step(step.strip(), position == len(steps) - 1) for position, step in enumerate(steps)
    )


def _candidates(rules):
    """One XPath expression selecting, in document order, every node some rule of a pattern can match.

    A node matches a path pattern ``P`` exactly when it is in ``//P`` (``P`` itself when it starts with
    ``/``), so a pattern runs over these instead of walking the whole document, with the same templates
    (the first matching rule still wins). Relative contexts sharing a first step are selected under one
    scan of it: ``//inv:Invoice/(. | cbc:UUID | cac:InvoiceLine)``. A context that is not a plain path of
    name steps (a wildcard, ``text()``, ``a//b``, ``key()``, ``current()``…) makes the pattern visit every
    node, as a full walk does."""
    anchored, under = [], {}
    alternatives = [a.strip() for rule in rules for a in _top_level_split(rule.context or "", "|")]
    for alternative in alternatives:
        if not _plain_path(alternative):
            return _ALL_NODES
        if alternative.startswith("/"):
            anchored.append(alternative)
        else:
            first, *rest = _top_level_split(alternative, "/")
            under.setdefault(first.strip(), {})["/".join(rest).strip() or "."] = None
    selections = list(dict.fromkeys(anchored))
    for first, rests in under.items():
        rest = " | ".join(rests)
        if len(rests) > 1:
            rest = f"({rest})"
        selections.append(f"//{first}" if rest == "." else f"//{first}/{rest}")
    return " | ".join(selections)


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

    lists = _code_lists(schema)
    for name, codes in lists.items():
        entries = ", ".join(f"'{code.replace(chr(39), chr(39) * 2)}': true()" for code in codes)
        etree.SubElement(
            sheet, f"{{{XSL}}}variable", name=_code_list_set(name), static="yes", select=f"map{{{entries}}}"
        )

    function = etree.SubElement(
        sheet, f"{{{XSL}}}function", name=f"{_OUT_PREFIX}:location", **{"as": "xs:string"}
    )
    etree.SubElement(function, f"{{{XSL}}}param", name="n", **{"as": "node()"})
    etree.SubElement(function, f"{{{XSL}}}sequence", select=_LOCATION_FUNCTION)

    entry = etree.SubElement(sheet, f"{{{XSL}}}template", match="/")
    results = etree.SubElement(entry, f"{{{OUT}}}results")
    for index, (pattern_id, rules) in enumerate(schema.patterns):
        if not rules:
            continue
        mode = f"p{index}"
        etree.SubElement(sheet, f"{{{XSL}}}mode", name=mode, **{"on-no-match": "deep-skip"})
        etree.SubElement(results, f"{{{XSL}}}apply-templates", select=_candidates(rules), mode=mode, **compat)
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
                local = {let.get("name") for let in rule.lets}
                condition_test = _code_list_lookups(
                    _gib_clock(test), {n: c for n, c in lists.items() if n not in local}
                )
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
    return etree.tostring(sheet, encoding="unicode")
