"""validate() reports what breaks the shapes as readable lines; undeclared_terms() finds dj: terms the ontology lacks."""
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace
from rdflib.namespace import RDF, RDFS

from kg.model import Article, Credit, EntityKey, Link, Mention, Page, PageResult, Quantity
from kg.rdf import article_iri, entity_iri, to_graph
from kg.relate import relate
from kg.validate import ValidationReport, format_report, undeclared_terms, validate
from kg.vocab import DJ, DJ_IRI

SOURCE = "synthetic.txt"
HEADLINE = "某县推行“红旗驿站”工程"
BODY = ("本报某县讯（通讯员 甲乙 丙丁）近日，某县委组织部在某镇某村推行“红旗驿站”工程，"
        "印发《某县驿站管理办法》，建成12个驿站，党员戊己参与。")
CAPTION = "■通讯员 庚辛 摄"
TEXT = HEADLINE + "\n" + BODY + "\n" + CAPTION

COUNTY = EntityKey("county", "某县", "370832000000")
TOWN = EntityKey("town", "某镇", "370832104000")
VILLAGE = EntityKey("village", "某村", "370832104201")
ORGANIZATION = EntityKey("organization", "某县委组织部")
PROGRAM = EntityKey("program", "红旗驿站工程")


def _offset(value: int) -> Literal:
    # XSD is not imported by name: pytest's collector probes module attributes, and XSD warns on unknown ones.
    return Literal(value, datatype=namespace.XSD.integer)


def _span(surface: str) -> tuple[int, int]:
    start = TEXT.index(surface)
    return start, start + len(surface)


def _mention(type_, name, surface, code=None, links=(), kind=None) -> Mention:
    start, end = _span(surface)
    return Mention(SOURCE, 0, type_, name, surface, start, end, BODY, code, links, kind)


def synthetic_result() -> PageResult:
    news_end = len(HEADLINE) + 1 + len(BODY)
    caption_start = news_end + 1
    news = Article(SOURCE, 0, "news", HEADLINE, "某县",
                   (Credit("甲乙", "reporter", *_span("甲乙")), Credit("丙丁", "reporter", *_span("丙丁"))),
                   0, news_end, TEXT.index("近日"), news_end)
    photo = Article(SOURCE, 1, "photo", None, None, (Credit("庚辛", "photographer", *_span("庚辛")),),
                    caption_start, len(TEXT), caption_start, len(TEXT))
    at_county = Link("locatedIn", "county", COUNTY.name, COUNTY.code)
    mentions = (
        _mention("county", COUNTY.name, "某县", COUNTY.code),
        _mention("town", TOWN.name, "某镇", TOWN.code, (at_county,)),
        _mention("village", VILLAGE.name, "某村", VILLAGE.code, (Link("locatedIn", "town", TOWN.name, TOWN.code),)),
        _mention("organization", ORGANIZATION.name, "某县委组织部", links=(at_county,), kind="party_committee"),
        _mention("program", PROGRAM.name, "“红旗驿站”工程",
                 links=(Link("launchedIn", "county", COUNTY.name, COUNTY.code),
                        Link("runBy", "organization", ORGANIZATION.name))),
        _mention("document", "某县驿站管理办法", "《某县驿站管理办法》",
                 links=(Link("issuedBy", "organization", ORGANIZATION.name),
                        Link("locality", "county", COUNTY.name, COUNTY.code))),
        _mention("person", "戊己", "戊己"),
    )
    start, end = _span("12个驿站")
    quantity = Quantity(SOURCE, 0, "12", "个", "驿站", False, "12个驿站", start, end, BODY, PROGRAM)
    return PageResult(Page(SOURCE, TEXT), (news, photo), mentions, ((0, (COUNTY,)),), (quantity,))


def synthetic_graph() -> Graph:
    return to_graph(relate([synthetic_result()]))


def _first_mention_of(g: Graph, key: EntityKey):
    return next(g.subjects(DJ.mentionOf, entity_iri(key)))


def _violations_naming(report: ValidationReport, *words: str) -> list[str]:
    return [line for line in report.violations if all(w in line for w in words)]


def test_validate_synthetic_build_conforms_without_warnings():
    g = synthetic_graph()
    assert (None, RDF.type, DJ.Quantity) in g and (None, DJ.photographer, None) in g  # the graph exercises them
    report = validate(g)
    assert report.violations == () and report.warnings == () and report.undeclared == ()
    assert report.conforms


def test_validate_leaves_the_data_graph_unchanged():
    g = synthetic_graph()
    before = len(g)
    validate(g)
    assert len(g) == before and (DJ.County, RDFS.subClassOf, Namespace(DJ_IRI).Place) not in g


def test_validate_start_not_before_end_is_a_violation():
    g = synthetic_graph()
    mention = _first_mention_of(g, TOWN)
    g.set((mention, DJ.startOffset, g.value(mention, DJ.endOffset)))
    report = validate(g)
    assert not report.conforms
    assert _violations_naming(report, "Violation:", "id:mention/", "dj:startOffset", "must be < dj:endOffset")


def test_validate_negative_offset_is_a_violation():
    g = synthetic_graph()
    g.set((article_iri(synthetic_result().articles[0]), DJ.startOffset, _offset(-1)))
    assert _violations_naming(validate(g), "id:article/synthetic/0", "dj:startOffset", ">= 0")


def test_validate_missing_label_is_a_violation():
    g = synthetic_graph()
    g.remove((entity_iri(PROGRAM), RDFS.label, None))
    report = validate(g)
    assert _violations_naming(report, str(entity_iri(PROGRAM)).rsplit("/id/", 1)[1], "rdfs:label", "exactly one")


def test_validate_label_without_chinese_language_is_a_violation():
    g = synthetic_graph()
    g.set((entity_iri(PROGRAM), RDFS.label, Literal("红旗驿站工程")))
    assert _violations_naming(validate(g), "rdfs:label", "@zh")


def test_validate_bad_division_code_is_a_violation():
    g = synthetic_graph()
    g.set((entity_iri(COUNTY), DJ.divisionCode, Literal("37083200000")))
    report = validate(g)
    assert _violations_naming(report, "某县", "dj:divisionCode", "12 digits")


def test_validate_division_code_of_the_wrong_level_is_a_violation():
    g = synthetic_graph()
    g.set((entity_iri(TOWN), DJ.divisionCode, Literal("370832000000")))
    assert _violations_naming(validate(g), "某镇", "dj:divisionCode", "town")


def test_validate_article_with_two_source_files_is_a_violation():
    g = synthetic_graph()
    g.add((article_iri(synthetic_result().articles[0]), DJ.sourceFile, Literal("other.txt")))
    report = validate(g)
    assert _violations_naming(report, "id:article/synthetic/0", "dj:sourceFile", "exactly one")


def test_validate_unknown_article_kind_is_a_violation():
    g = synthetic_graph()
    g.set((article_iri(synthetic_result().articles[0]), DJ.kind, Literal("editorial")))
    assert _violations_naming(validate(g), "dj:kind", "news")


@pytest.mark.parametrize(
    "predicate, target, words",
    [
        (DJ.runBy, COUNTY, ("dj:runBy", "organization")),
        (DJ.launchedIn, ORGANIZATION, ("dj:launchedIn", "place")),
    ],
)
def test_validate_program_link_to_the_wrong_class_is_a_violation(predicate, target, words):
    g = synthetic_graph()
    g.set((entity_iri(PROGRAM), predicate, entity_iri(target)))
    assert _violations_naming(validate(g), "红旗驿站工程", *words)


def test_validate_reporter_must_be_a_credited_reporter():
    g = synthetic_graph()
    person = next(g.objects(_first_mention_of(g, EntityKey("person", "戊己")), DJ.mentionOf))
    g.add((article_iri(synthetic_result().articles[0]), DJ.reporter, person))
    assert _violations_naming(validate(g), "dj:reporter", "dj:Reporter")


def test_validate_mention_of_a_missing_article_is_a_violation():
    g = synthetic_graph()
    mention = _first_mention_of(g, TOWN)
    g.set((mention, DJ.inArticle, URIRef(article_iri(synthetic_result().articles[0]).replace("/0", "/9"))))
    assert _violations_naming(validate(g), "dj:inArticle", "dj:Article")


def test_validate_entity_with_two_classes_is_a_violation():
    g = synthetic_graph()
    g.add((entity_iri(TOWN), RDF.type, DJ.County))
    assert _violations_naming(validate(g), "某镇", "one entity class")


def test_validate_org_kind_outside_the_scheme_is_a_violation():
    g = synthetic_graph()
    g.set((entity_iri(ORGANIZATION), DJ.orgKind, Literal("club")))
    assert _violations_naming(validate(g), "dj:orgKind", "OrganizationKind")


def test_validate_town_without_county_is_only_a_warning():
    g = synthetic_graph()
    g.remove((entity_iri(TOWN), DJ.locatedIn, None))
    report = validate(g)
    assert report.conforms
    assert any("某镇" in w and "county is not known" in w for w in report.warnings)


def test_validate_mention_outside_its_article_is_a_warning():
    g = synthetic_graph()
    mention = _first_mention_of(g, TOWN)
    g.set((mention, DJ.startOffset, _offset(len(TEXT) - 2)))
    g.set((mention, DJ.endOffset, _offset(len(TEXT))))
    report = validate(g)
    assert report.conforms and any("outside its article" in w and "id:mention/" in w for w in report.warnings)


def test_validate_quantity_of_an_article_is_a_violation():
    g = synthetic_graph()
    quantity = next(g.subjects(RDF.type, DJ.Quantity))
    g.set((quantity, DJ.quantityOf, article_iri(synthetic_result().articles[0])))
    assert _violations_naming(validate(g), "dj:quantityOf")


def test_validate_undeclared_terms_finds_a_made_up_predicate_and_class():
    g = synthetic_graph()
    assert undeclared_terms(g) == ()
    g.add((entity_iri(TOWN), DJ._NS["fooBar"], Literal("x")))
    g.add((entity_iri(TOWN), RDF.type, DJ._NS["Hamlet"]))
    assert undeclared_terms(g) == (DJ_IRI + "Hamlet", DJ_IRI + "fooBar")
    report = validate(g)
    assert not report.conforms and "dj:fooBar" in format_report(report)


def test_validate_format_report_lists_lines_then_a_summary():
    g = synthetic_graph()
    g.set((entity_iri(COUNTY), DJ.divisionCode, Literal("3708")))
    report = validate(g)
    text = format_report(report)
    lines = text.splitlines()
    assert lines[:-1] == [*report.violations, *report.warnings]
    assert lines[-1].startswith("does not conform: ") and f"{len(report.violations)} violation" in lines[-1]
    assert format_report(validate(synthetic_graph())).startswith("conforms: 0 violation(s), 0 warning(s)")


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    from pathlib import Path

    from kg.pipeline import build
    from kg.read import read_pages

    seeds = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    built = build(read_pages(seeds))
    assert seeds and not built.skipped
    return to_graph(built.linked)


def test_validate_seed_build_writes_no_undeclared_term(seed_graph):
    assert undeclared_terms(seed_graph) == ()


def test_validate_seed_build_has_no_violation(seed_graph):
    report = validate(seed_graph)
    assert report.violations == ()
