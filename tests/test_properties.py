"""Properties that hold for any input (hypothesis): offsets point back into the page, articles neither
overlap nor leave the page, no text crashes the build, any decodable bytes give text or one clear error,
and literals of any characters survive Turtle and N-Triples. scripts/fuzz_build.py runs the same checks
at far higher example counts."""
import codecs

from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.errors import PageError
from kg.export.formats import sorted_ntriples
from kg.model import Article, Credit, Mention, Page, PageResult
from kg.normalize import normalize
from kg.pipeline import build_page
from kg.rdf import to_graph
from kg.read import decode_text
from kg.relate import relate
from kg.segment import segment

CI = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of the grammar of a printed page (datelines, bylines, captions, headlines, brackets, quotes), written
# here as general patterns, mixed with odd characters: controls, astral ideographs, combining marks, BOMs.
PIECES = [
    "本报讯", "本报梁山讯", "本报 嘉 祥 讯", "本报济宁5月3日讯", "（", "）", "(", ")", "【", "】", "“", "”", "‘", "’",
    "《", "》", "记者", "通讯员", " 王某 ", "李某某", "摄", "■ 本报记者 张某 摄", "\n", "\n\n", "\r\n", "\r", " ",
    "\u3000", "\t", "。", "，", "；", "！", "？", "……", "县委组织部", "梁山县", "馆驿镇", "村", "党支部", "开展",
    "“四联四助”行动", "120户", "3.5万元", "第一书记", "# ", "首页 | 新闻", "<script>", "</p>", "\\", "\"", "'",
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffd", "\u200b", "𠀀", "e\u0301", "👍🏽", "\u202e",
]
page_texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join)


def check_articles(page: Page, articles: tuple[Article, ...]) -> None:
    """Articles in page order, disjoint, inside the page; bodies inside their articles; credits inside the page."""
    end_before = 0
    for i, a in enumerate(articles):
        assert a.index == i and a.source == page.source
        assert end_before <= a.start <= a.end <= len(page.text), (end_before, a)
        assert a.start <= a.body_start <= a.body_end <= a.end, a
        for c in a.credits:
            assert 0 <= c.start < c.end <= len(page.text), c
        end_before = a.end


def check_result(page: Page, result: PageResult) -> None:
    check_articles(page, result.articles)
    spans = {a.index: (a.start, a.end) for a in result.articles}
    for m in result.mentions:
        assert 0 <= m.start < m.end <= len(page.text), m
        # the surface form is the printed text with whitespace removed
        assert normalize(page.text[m.start:m.end]).printed.replace(" ", "") == m.text.replace(" ", ""), m
        assert m.article in spans, m


def _by_value(graph: Graph) -> set:
    """Triples with typed literals compared by value: Turtle writes the decimal "120" as 120.0."""
    def term(t):
        return (t.datatype, t.language, t.value if t.value is not None else str(t)) if isinstance(t, Literal) else t
    return {(s, p, term(o)) for s, p, o in graph}


def round_trip(result: PageResult) -> None:
    """The page's graph serialised to Turtle and to N-Triples parses back to the same triples."""
    graph = to_graph(relate([result]))
    assert set(Graph().parse(data=sorted_ntriples(graph), format="nt")) == set(graph)
    assert _by_value(Graph().parse(data=graph.serialize(format="turtle"), format="turtle")) == _by_value(graph)


@CI
@given(page_texts, st.integers(min_value=0, max_value=10_000))
def test_properties_normalize_origin_points_at_the_original_characters(text, base):
    n = normalize(text, base=base)
    assert len(n.text) == len(n.origin) == len(n.printed)
    assert list(n.origin) == sorted(set(n.origin))
    for i, (ch, printed) in enumerate(zip(n.text, n.printed)):
        at = n.origin[i] - base
        assert 0 <= at < len(text)
        assert ch == " " or text[at] == printed
        assert n.span(i, i + 1) == (n.origin[i], n.origin[i] + 1)


@CI
@given(page_texts)
def test_properties_segmentation_never_overlaps_or_leaves_the_page(text):
    page = Page("p.txt", text)
    check_articles(page, segment(page))


@CI
@given(page_texts)
def test_properties_no_text_crashes_the_build(text):
    page = Page("p.txt", text)
    check_result(page, build_page(page))


@settings(max_examples=25, deadline=None)
@given(page_texts)
def test_properties_any_page_graph_round_trips_through_turtle_and_ntriples(text):
    round_trip(build_page(Page("p.txt", text)))


# Bytes as pages come: encoded text in the encodings a page is saved in, cut short, with a stray byte.
encoded_pages = st.tuples(
    page_texts,
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-32"]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    st.one_of(st.none(), st.binary(min_size=1, max_size=2)),
)
page_bytes = st.one_of(
    st.binary(max_size=300),
    encoded_pages.map(lambda t: _mangle(*t)),
)


def _mangle(text: str, encoding: str, cut: int | None, stray: bytes | None) -> bytes:
    raw = text.encode(encoding, errors="ignore")
    if cut is not None:
        raw = raw[:cut]
    if stray is not None:
        middle = len(raw) // 2
        raw = raw[:middle] + stray + raw[middle:]
    return raw


def check_decoded(raw: bytes) -> None:
    """Bytes give a text or one PageError line naming the file; valid UTF-8 is always read as it is."""
    try:
        decoded = decode_text("f.txt", raw)
    except PageError as err:
        message = str(err)
        assert message.startswith("f.txt: ") and "\n" not in message
        return
    assert "\x00" not in decoded.text
    if decoded.encoding == "utf-8" and not decoded.warnings:
        assert decoded.text == raw.decode("utf-8-sig")


@CI
@given(page_bytes)
def test_properties_any_bytes_decode_or_give_one_line_error(raw):
    check_decoded(raw)


@CI
@given(page_texts)
def test_properties_utf8_and_bom_encodings_decode_to_the_same_text(text):
    text = text.replace("\x00", "").lstrip("\ufeff")  # a leading U+FEFF is a byte order mark, by definition
    for raw in (text.encode("utf-8"), codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF8 + text.encode()):
        assert decode_text("f.txt", raw).text == text


# Literals: quotes, backslashes, line breaks, astral characters, combining marks and controls in a mention.
literal_text = st.text(alphabet=st.sampled_from(list("\"'\\\n\r\t甲乙𠀀𝒜e\u0301\u0308\u200d\u3000\x01\x7f👍🏽")), min_size=1,
                       max_size=20)


@CI
@given(literal_text)
def test_properties_literals_round_trip_through_turtle_and_ntriples(name):
    text = "前" + name + "后"
    page = Page("q.txt", text)
    article = Article("q.txt", 0, "news", name, name, (Credit(name, "reporter", 1, 1 + len(name)),),
                      0, len(text), 0, len(text))
    mention = Mention("q.txt", 0, "program", name, name, 1, 1 + len(name), text)
    result = PageResult(page, (article,), (mention,))
    round_trip(result)
    graph = to_graph(relate([result]))
    back = Graph().parse(data=sorted_ntriples(graph), format="nt")
    assert name in {str(o) for o in back.objects()}


def test_properties_line_separators_in_literals_survive_ntriples():
    graph = Graph()
    for i, text in enumerate(["\u2028", "\x85", "\x1c", "甲\u2029乙"]):
        graph.add((URIRef(f"https://example.org/{i}"), RDFS.label, Literal(text, lang="zh")))
    assert set(Graph().parse(data=sorted_ntriples(graph), format="nt")) == set(graph)
