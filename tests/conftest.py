"""Shared fixtures: a tiny hand-made page result, and the path of the shared eval kit where present."""
from pathlib import Path

import pytest

from kg.model import Article, Credit, Link, Mention, Page, PageResult, EntityKey

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"

TINY_TEXT = "本报梁山讯（通讯员 甲乙丙）梁山县馆驿镇开展“四联四助”行动。"


@pytest.fixture
def tiny_result() -> PageResult:
    page = Page("tiny.txt", TINY_TEXT)
    credit_at = TINY_TEXT.index("甲乙丙")
    article = Article("tiny.txt", 0, "news", "标题", "梁山", (Credit("甲乙丙", "reporter", credit_at, credit_at + 3),),
                      0, len(TINY_TEXT), TINY_TEXT.index("）") + 1, len(TINY_TEXT))
    sentence = "梁山县馆驿镇开展“四联四助”行动。"

    def mention(type_, name, surface, code=None, links=()):
        at = TINY_TEXT.index(surface)
        return Mention("tiny.txt", 0, type_, name, surface, at, at + len(surface), sentence, code, links)

    county = mention("county", "梁山县", "梁山县", "370832000000",
                     (Link("locatedIn", "city", "济宁市", "370800000000"),))
    town = mention("town", "馆驿镇", "馆驿镇", "370832107000", (Link("locatedIn", "county", "梁山县"),))
    program = mention("program", "四联四助行动", "“四联四助”行动", links=(Link("launchedIn", "county", "梁山县"),))
    return PageResult(page, (article,), (county, town, program),
                      ((0, (EntityKey("county", "梁山县", "370832000000"),)),))


# Literal texts that writers of N-Triples and Turtle get wrong: each must round-trip.
ODD_TEXTS = [
    '他说"好"',  # quotes
    "C:\\路径\\n不是换行",  # backslashes, one before an n
    "第一行\n第二行\r\n第三行\r",  # newlines and carriage returns
    "制表\t符\b\f",
    "行\u2028分隔\u2029段",  # line and paragraph separators
    "\x00\x01\x08\x0b\x0c\x1b\x1f\x7f\x85\x9f\xa0",  # C0, DEL, C1 controls, no-break space
    "𠀀𝄞😀",  # astral characters
    "\ufeff\u200b\u200d\ufffd",  # BOM, zero-width, replacement character
    "",
    "结尾是反斜杠\\",
    '\\"\\\\"\n',  # escapes next to each other
    "'单引号''' \"\"\" # @prefix x: <y> . ; ,",  # Turtle punctuation inside a string
]
