"""GİB's schematron through our own compiler and Saxon, on GİB's samples and on small hand-made schemas."""

import datetime as dt

import pytest
from lxml import etree

from core.errors import ConfigurationError, EdocError
from core.tests import factories
from core.tests.conftest import reference_path
from core.ubl import build_invoice
from core.validation.sch_compiler import compile_schematron
from core.validation.schematron import CompiledSchematron, SchematronValidator

UBL = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml")
EFATURA_PKG = reference_path("gib-ubl-tr", "e-FaturaPaketi", "xml")
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"

# The reference README lists these as passing GİB's schematron 20260312 with zero failed asserts.
GOLDEN_EFATURA = [
    UBL / "TicariFaturaOrnegi.xml",
    UBL / "IDIS_Fatura.xml",
    UBL / "IDIS_Irsaliye.xml",
    UBL / "HKS-Ornek1.xml",
    UBL / "HKS-Ornek2.xml",
    UBL / "SARJ.xml",
    UBL / "SARJANLIK.xml",
    *sorted(UBL.glob("YTB_*_Efatura.xml")),
    *sorted(UBL.glob("IrsaliyeYaniti-Ornek*.xml")),
    UBL / "IHRACAT_GTB_UygulamaYaniti_KABUL.xml",
    UBL / "IHRACAT_GTB_UygulamaYaniti_RED.xml",
    UBL / "YOLCUBERABER_UygulamaYaniti.xml",
    EFATURA_PKG / "1_SISTEM_YANITI_GTB_POSTA_KUTUSU.xml",
    EFATURA_PKG / "4_KULLANICI_ACMA.xml",
    EFATURA_PKG / "5_KULLANICI_SILME.xml",
    EFATURA_PKG / "8_FATURA_SAKLAMA_KULLANICI_ACMA.xml",
    EFATURA_PKG / "9_FATURA_SAKLAMA_KULLANICI_SILME.xml",
]
GOLDEN_EARCHIVE = [
    *sorted(p for p in UBL.glob("YTB_*.xml") if "EAr" in p.name),
    EFATURA_PKG / "TEKNOLOJI_DESTEK.xml",
]


@pytest.fixture(scope="module")
def validator():
    return SchematronValidator(reference_path("gib-ubl-tr"))


def _rules(issues):
    return sorted({i.params["rule"] for i in issues})


def test_golden_lists_are_complete():
    assert len(GOLDEN_EFATURA) == 25 and all(p.is_file() for p in GOLDEN_EFATURA)
    assert len(GOLDEN_EARCHIVE) == 7 and all(p.is_file() for p in GOLDEN_EARCHIVE)


@pytest.mark.parametrize("path", GOLDEN_EFATURA, ids=lambda p: p.name)
def test_golden_efatura_samples_have_no_failed_assert(validator, path):
    assert validator.validate(path.read_bytes(), doc_type="efatura") == []


@pytest.mark.parametrize("path", GOLDEN_EARCHIVE, ids=lambda p: p.name)
def test_golden_earchive_samples_pass_only_as_earchive(validator, path):
    assert validator.validate(path.read_bytes(), doc_type="earchive") == []
    as_efatura = validator.validate(path.read_bytes(), doc_type="efatura")
    assert "ProfileIDCheck" in _rules(as_efatura)


def test_temel_fatura_sample_fails_on_its_invoice_number(validator):
    issues = validator.validate((UBL / "TemelFaturaOrnegi.xml").read_bytes())
    id_issues = [i for i in issues if i.code == "tr_edoc.sch.InvoiceIDCheck"]
    assert len(id_issues) == 1
    issue = id_issues[0]
    assert issue.source == "schematron" and issue.severity == "error"
    assert issue.path == "/Invoice[1]"
    assert "ABC2009123456789" in issue.params["text"]
    assert issue.message.startswith("GİB schematron check InvoiceIDCheck failed: ")
    assert issue.params["pattern"] == "invoice" and issue.params["kind"] == "assert"


def _ticari():
    return etree.fromstring((UBL / "TicariFaturaOrnegi.xml").read_bytes())


def test_value_of_in_the_message_shows_the_bad_value(validator):
    root = _ticari()
    root.find(f"{{{CBC}}}CustomizationID").text = "TR9.9"
    issues = [i for i in validator.validate(root) if i.params["rule"] == "CustomizationIDCheck"]
    assert len(issues) == 1 and "'TR9.9'" in issues[0].message


def test_rule_outside_any_pattern_fires(validator):
    """GİB's 'General Rules' (IssueDate, currencyID, unitCode) sit directly under sch:schema."""
    root = _ticari()
    root.find(f"{{{CBC}}}IssueDate").text = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    issues = [i for i in validator.validate(root) if i.params["rule"] == "TimeCheck"]
    assert issues and issues[0].params["pattern"] == "general"
    assert issues[0].path == "/Invoice[1]/cbc:IssueDate[1]"


def test_today_is_gibs_day_not_the_machines(validator):
    """GİB's TimeCheck compares with the day it is in Istanbul: a document dated today there is valid
    even while the machine's UTC date is still yesterday (21:00-24:00 UTC)."""
    root = _ticari()
    issued = dt.date(2026, 12, 3)
    root.find(f"{{{CBC}}}IssueDate").text = issued.isoformat()

    def time_checks(today):
        return [i for i in validator.validate(root, today=today) if i.params["rule"] == "TimeCheck"]

    assert time_checks(issued) == []
    assert time_checks(issued - dt.timedelta(days=1))


def test_clock_rewrite_leaves_string_literals_alone():
    from core.validation.sch_compiler import TODAY_PARAM, _gib_clock

    assert _gib_clock("xs:date(.) le xs:date(current-date())") == (
        f"xs:date(.) le xs:date(xs:date(${TODAY_PARAM}))"
    )
    assert _gib_clock("'current-date()' = \"current-date( )\"") == "'current-date()' = \"current-date( )\""


def test_gib_today_follows_istanbul():
    from core.states import ISTANBUL, gib_today

    assert gib_today() == dt.datetime.now(ISTANBUL).date()


def test_attribute_context_reports_the_attribute_path(validator):
    root = _ticari()
    amount = root.find(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}PayableAmount")
    amount.set("currencyID", "QQQ")
    issues = [i for i in validator.validate(root) if i.params["rule"] == "GeneralCurrencyIDCheck"]
    assert [i.path for i in issues] == [
        "/Invoice[1]/cac:LegalMonetaryTotal[1]/cbc:PayableAmount[1]/@currencyID"
    ]


def test_several_drivers_do_not_break_string_functions(validator):
    """Irsaliye-Ornek1 has two drivers; GİB's rules call string() on them, which XPath 1.0 mode allows."""
    issues = validator.validate((UBL / "Irsaliye-Ornek1.xml").read_bytes())
    assert _rules(issues) == ["DespatchAddressCheck"]


def test_doc_type_is_checked(validator):
    with pytest.raises(ValueError):
        validator.validate(_ticari(), doc_type="eirsaliye")


def test_missing_package_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError) as caught:
        SchematronValidator(tmp_path)
    assert caught.value.code == "tr_edoc.config.gib_package_missing"
    assert "e-FaturaPaketi.zip" in caught.value.message


def test_compiled_once_per_process():
    first = SchematronValidator(reference_path("gib-ubl-tr"))
    second = SchematronValidator(reference_path("gib-ubl-tr"))
    assert first.compiled._executable is second.compiled._executable


# Hand-made schemas: each feature of the compiler on its own.

SCH_HEAD = (
    '<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron"{binding}><sch:ns prefix="t" uri="urn:t"/>'
)


def _schema(tmp_path, body, name="s.sch", binding=""):
    path = tmp_path / name
    path.write_text(SCH_HEAD.format(binding=binding) + body + "</sch:schema>", encoding="utf-8")
    return path


def _run(path, xml, parameters=None):
    return CompiledSchematron(path).run(etree.fromstring(xml), parameters)


def test_assert_report_value_of_and_name(tmp_path):
    path = _schema(
        tmp_path,
        '<sch:pattern id="p"><sch:rule context="t:item">'
        '<sch:assert test="@qty &gt; 0">Item <sch:value-of select="@code"/> in <sch:name path=".."/> '
        "needs a quantity.</sch:assert>"
        '<sch:report test="@qty &gt; 100" role="warning">Large: <sch:name/>.</sch:report>'
        "</sch:rule></sch:pattern>",
    )
    issues = _run(
        path, '<t:list xmlns:t="urn:t"><t:item code="A" qty="0"/><t:item code="B" qty="500"/></t:list>'
    )
    assert [(i.code, i.severity, i.params["kind"]) for i in issues] == [
        ("tr_edoc.sch.p", "error", "assert"),
        ("tr_edoc.sch.p", "warning", "report"),
    ]
    assert issues[0].params["text"] == "Item A in t:list needs a quantity."
    assert issues[1].params["text"] == "Large: t:item."
    assert [i.path for i in issues] == ["/t:list[1]/t:item[1]", "/t:list[1]/t:item[2]"]


def test_lets_at_three_levels_and_parameter_override(tmp_path):
    path = _schema(
        tmp_path,
        '<sch:let name="mode" value="strict"/>'
        '<sch:pattern id="p"><sch:let name="limit" value="10"/>'
        '<sch:rule context="t:item"><sch:let name="q" value="number(@qty)"/>'
        '<sch:assert id="Limit" test="$q le $limit or $mode = \'lenient\'">'
        'over <sch:value-of select="$q"/></sch:assert>'
        "</sch:rule></sch:pattern>",
    )
    xml = '<t:list xmlns:t="urn:t"><t:item qty="11"/><t:item qty="3"/></t:list>'
    issues = _run(path, xml)
    assert [(i.code, i.params["text"]) for i in issues] == [("tr_edoc.sch.Limit", "over 11")]
    assert _run(path, xml, {"mode": "lenient"}) == []


def test_include_fragment_abstract_rules_and_extends(tmp_path):
    (tmp_path / "lib.sch").write_text(
        '<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron">'
        '<sch:pattern id="codes"><sch:let name="Units" value="\',KGM,C62,\'"/></sch:pattern>'
        '<sch:pattern id="abstracts">'
        '<sch:rule abstract="true" id="UnitCheck">'
        "<sch:assert test=\"contains($Units, concat(',', @unit, ','))\">bad unit</sch:assert></sch:rule>"
        '<sch:rule abstract="true" id="NamedCheck"><sch:extends rule="UnitCheck"/>'
        '<sch:assert test="@name">no name</sch:assert></sch:rule>'
        "</sch:pattern></sch:schema>",
        encoding="utf-8",
    )
    path = _schema(
        tmp_path,
        '<sch:include href="lib.sch#codes"/><sch:include href="lib.sch#abstracts"/>'
        '<sch:pattern id="p"><sch:rule context="t:item"><sch:extends rule="NamedCheck"/></sch:rule>'
        "</sch:pattern>",
    )
    issues = _run(path, '<t:list xmlns:t="urn:t"><t:item unit="XYZ"/><t:item unit="KGM" name="n"/></t:list>')
    assert [(i.code, i.params["number"]) for i in issues] == [
        ("tr_edoc.sch.UnitCheck", 1),
        ("tr_edoc.sch.NamedCheck", 1),
    ]


def test_first_matching_rule_of_a_pattern_wins_and_patterns_are_independent(tmp_path):
    path = _schema(
        tmp_path,
        '<sch:pattern id="one">'
        '<sch:rule context="t:item[@special]"><sch:assert test="false()">special</sch:assert></sch:rule>'
        '<sch:rule context="t:item"><sch:assert test="false()">plain</sch:assert></sch:rule>'
        "</sch:pattern>"
        '<sch:pattern id="two"><sch:rule context="t:item">'
        '<sch:assert test="false()">two</sch:assert></sch:rule>'
        "</sch:pattern>",
    )
    issues = _run(path, '<t:list xmlns:t="urn:t"><t:item special="1"/><t:item/></t:list>')
    assert [i.params["text"] for i in issues] == ["special", "plain", "two", "two"]


def test_abstract_pattern_with_parameters(tmp_path):
    path = _schema(
        tmp_path,
        '<sch:pattern abstract="true" id="required">'
        '<sch:rule context="$parent"><sch:assert test="$child">missing</sch:assert></sch:rule></sch:pattern>'
        '<sch:pattern id="items" is-a="required"><sch:param name="parent" value="t:item"/>'
        '<sch:param name="child" value="t:name"/></sch:pattern>',
    )
    issues = _run(path, '<t:list xmlns:t="urn:t"><t:item><t:name/></t:item><t:item/></t:list>')
    assert [(i.code, i.path) for i in issues] == [("tr_edoc.sch.items", "/t:list[1]/t:item[2]")]


def test_xslt2_binding_keeps_strict_typing(tmp_path):
    body = (
        '<sch:pattern id="p"><sch:rule context="t:list">'
        '<sch:assert test="string(t:item)">x</sch:assert></sch:rule></sch:pattern>'
    )
    xml = '<t:list xmlns:t="urn:t"><t:item>a</t:item><t:item>b</t:item></t:list>'
    assert _run(_schema(tmp_path, body, "lax.sch"), xml) == []
    strict = _schema(tmp_path, body, "strict.sch", binding=' queryBinding="xslt2"')
    with pytest.raises(EdocError) as caught:
        _run(strict, xml)
    assert caught.value.code == "tr_edoc.validation.schematron_runtime"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('<sch:include href="nowhere.sch#x"/>', "cannot be read"),
        (
            '<sch:pattern id="p"><sch:rule context="t:a"><sch:extends rule="Nope"/></sch:rule></sch:pattern>',
            "Nope",
        ),
        ('<sch:pattern id="p" is-a="ghost"/>', "ghost"),
    ],
)
def test_broken_schemas_are_configuration_errors(tmp_path, body, detail):
    with pytest.raises(ConfigurationError) as caught:
        compile_schematron(_schema(tmp_path, body))
    assert detail in caught.value.message


def test_rule_contexts_of_every_shape_fire_once_in_document_order(tmp_path):
    """Each pattern runs over the nodes its contexts can match: paths sharing a first step, ``//`` and
    ``/`` anchored paths, attributes, a predicate holding a slash, and (walking every node) ``text()``
    and ``*``; nested elements of one name are each checked once, by the first matching rule."""
    path = _schema(
        tmp_path,
        '<sch:pattern id="paths">'
        '<sch:rule context="t:doc/t:item"><sch:assert test="false()">top <sch:value-of select="@code"/>'
        "</sch:assert></sch:rule>"
        '<sch:rule context="t:item[t:item/t:note]"><sch:assert test="false()">never</sch:assert></sch:rule>'
        '<sch:rule context="t:item"><sch:assert test="false()">item <sch:value-of select="@code"/>'
        "</sch:assert></sch:rule>"
        '<sch:rule context="//@code"><sch:assert test="false()">code <sch:value-of select="."/>'
        "</sch:assert></sch:rule>"
        '<sch:rule context="/t:doc/t:box | t:doc/t:box"><sch:assert test="false()">box</sch:assert>'
        "</sch:rule>"
        "</sch:pattern>"
        '<sch:pattern id="walk">'
        '<sch:rule context="t:note/text()"><sch:assert test="false()">text <sch:value-of select="."/>'
        "</sch:assert></sch:rule>"
        '<sch:rule context="t:box/*"><sch:assert test="false()">in box <sch:name/></sch:assert></sch:rule>'
        "</sch:pattern>"
        '<sch:pattern id="grouped">'
        '<sch:rule context="t:item[t:item/t:note]/t:item"><sch:assert test="false()">inner '
        '<sch:value-of select="@code"/></sch:assert></sch:rule>'
        '<sch:rule context="t:box[t:note = \'n2\']/t:note"><sch:assert test="false()">note '
        '<sch:value-of select="."/></sch:assert></sch:rule>'
        "</sch:pattern>",
    )
    xml = (
        '<t:doc xmlns:t="urn:t"><t:item code="A"><t:item code="B"><t:note>n1</t:note></t:item></t:item>'
        '<t:box><t:item code="C"/><t:note>n2</t:note></t:box></t:doc>'
    )
    issues = _run(path, xml)
    assert [(i.params["pattern"], i.params["text"], i.path) for i in issues] == [
        ("paths", "top A", "/t:doc[1]/t:item[1]"),
        ("paths", "code A", "/t:doc[1]/t:item[1]/@code"),
        ("paths", "item B", "/t:doc[1]/t:item[1]/t:item[1]"),
        ("paths", "code B", "/t:doc[1]/t:item[1]/t:item[1]/@code"),
        ("paths", "box", "/t:doc[1]/t:box[1]"),
        ("paths", "item C", "/t:doc[1]/t:box[1]/t:item[1]"),
        ("paths", "code C", "/t:doc[1]/t:box[1]/t:item[1]/@code"),
        ("walk", "text n1", "/t:doc[1]/t:item[1]/t:item[1]/t:note[1]"),
        ("walk", "in box t:item", "/t:doc[1]/t:box[1]/t:item[1]"),
        ("walk", "in box t:note", "/t:doc[1]/t:box[1]/t:note[1]"),
        ("walk", "text n2", "/t:doc[1]/t:box[1]/t:note[1]"),
        ("grouped", "inner B", "/t:doc[1]/t:item[1]/t:item[1]"),
        ("grouped", "note n2", "/t:doc[1]/t:box[1]/t:note[1]"),
    ]
    xslt = compile_schematron(path)
    assert (
        'select="//@code | /t:doc/t:box | //t:doc/(t:item | t:box) | //t:item[t:item/t:note] | //t:item"'
        in xslt
    )
    assert "select=\"//t:item[t:item/t:note]/t:item | //t:box[t:note = 'n2']/t:note\"" in xslt
    assert 'select="/descendant-or-self::node() | //@*"' in xslt


def test_code_list_lookups_answer_as_contains_does(tmp_path):
    """``contains($List, concat(',', x, ','))`` on a code list: a comma in ``x`` still asks ``contains``
    (so two neighbouring codes pass, as in GİB's own run), an empty ``x`` fails, a rule's own ``let`` of
    the same name and an expression binding that name are left to XPath."""
    path = _schema(
        tmp_path,
        '<sch:pattern id="codes"><sch:let name="Codes" value="\',A,B,C D,\'"/></sch:pattern>'
        '<sch:pattern id="global"><sch:rule context="t:i">'
        "<sch:assert test=\"contains($Codes, concat(',', @c, ','))\">global "
        '<sch:value-of select="@c"/></sch:assert></sch:rule></sch:pattern>'
        '<sch:pattern id="local"><sch:rule context="t:i"><sch:let name="Codes" value="\',Z,\'"/>'
        "<sch:assert test=\"contains($Codes, concat(',', @c, ','))\">local "
        '<sch:value-of select="@c"/></sch:assert></sch:rule></sch:pattern>'
        '<sch:pattern id="bound"><sch:rule context="t:i">'
        "<sch:assert test=\"some $Codes in ',Q,' satisfies contains($Codes, concat(',', @c, ','))\">bound "
        '<sch:value-of select="@c"/></sch:assert></sch:rule></sch:pattern>',
    )
    values = ["A", "Q", "A,B", "B,Q", "", "C D", "Z"]
    xml = '<t:l xmlns:t="urn:t">' + "".join(f'<t:i c="{v}"/>' for v in values) + "<t:i/></t:l>"
    texts = [i.params["text"] for i in _run(path, xml)]
    assert texts == [
        *("global Q", "global B,Q", "global", "global Z", "global"),
        *("local A", "local Q", "local A,B", "local B,Q", "local", "local C D", "local"),
        *("bound A", "bound A,B", "bound B,Q", "bound", "bound C D", "bound Z", "bound"),
    ]
    assert "trv:codes-Codes" in compile_schematron(path)


def _broken_invoice():
    """A factory invoice breaking GİB rules of two patterns, on elements and attributes."""
    root = build_invoice(factories.invoice())
    root.find(f"{{{CBC}}}ProfileID").text = "XYZFATURA"
    lines = root.findall(f"{{{CAC}}}InvoiceLine")
    lines[0].find(f"{{{CBC}}}InvoicedQuantity").set("unitCode", "XYZ")
    lines[1].find(f"{{{CBC}}}InvoicedQuantity").set("unitCode", "C62,KGM")
    lines[1].find(f"{{{CBC}}}LineExtensionAmount").set("currencyID", "EUR,TRY")
    totals = root.find(f"{{{CAC}}}LegalMonetaryTotal")
    totals.find(f"{{{CBC}}}PayableAmount").set("currencyID", "AED,AFN")  # neighbours in GİB's list: passes
    totals.find(f"{{{CBC}}}TaxExclusiveAmount").set("currencyID", "")
    scheme = f"{{{CAC}}}TaxTotal/{{{CAC}}}TaxSubtotal/{{{CAC}}}TaxCategory/{{{CAC}}}TaxScheme"
    root.find(f"{scheme}/{{{CBC}}}TaxTypeCode").text = "9999"
    return root


@pytest.mark.parametrize("release", [(), ("schematron-20260701",)], ids=["20260312", "20260701"])
@pytest.mark.parametrize("doc_type", ["efatura", "earchive"])
def test_broken_invoice_gets_gibs_exact_issue_list(release, doc_type):
    validator = SchematronValidator(reference_path("gib-ubl-tr", *release))
    issues = validator.validate(_broken_invoice(), doc_type=doc_type, today=dt.date(2026, 7, 15))
    line = "/Invoice[1]/cac:InvoiceLine[{}]"
    assert [(i.params["rule"], i.params["number"], i.severity, i.path) for i in issues] == [
        ("ProfileIDCheck", 1 if doc_type == "efatura" else 2, "error", "/Invoice[1]"),
        (
            "TaxTypeCheck",
            1,
            "error",
            "/Invoice[1]/cac:TaxTotal[1]/cac:TaxSubtotal[1]/cac:TaxCategory[1]/cac:TaxScheme[1]"
            "/cbc:TaxTypeCode[1]",
        ),
        (
            "GeneralCurrencyIDCheck",
            1,
            "error",
            "/Invoice[1]/cac:LegalMonetaryTotal[1]/cbc:TaxExclusiveAmount[1]/@currencyID",
        ),
        ("GeneralUnitCodeCheck", 1, "error", line.format(1) + "/cbc:InvoicedQuantity[1]/@unitCode"),
        ("GeneralUnitCodeCheck", 1, "error", line.format(2) + "/cbc:InvoicedQuantity[1]/@unitCode"),
        ("GeneralCurrencyIDCheck", 1, "error", line.format(2) + "/cbc:LineExtensionAmount[1]/@currencyID"),
    ]
    assert [i.params["text"] for i in issues[2:]] == [
        "Geçersiz currencyID niteliği : ''. Geçerli değerler için kod listesine bakınız.",
        "Geçersiz unitCode niteliği : 'XYZ'. Geçerli değerler için kod listesine bakınız.",
        "Geçersiz unitCode niteliği : 'C62,KGM'. Geçerli değerler için kod listesine bakınız.",
        "Geçersiz currencyID niteliği : 'EUR,TRY'. Geçerli değerler için kod listesine bakınız.",
    ]
