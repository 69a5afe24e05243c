"""Turtle from the graph's plain triples (`kg.rdf.Triple`), without building an rdflib graph.

`turtle_text(triples)` is a pure function of the *set* of triples: the same triples in any order,
repeated or not, give the same bytes. The layout:

* ``@prefix`` lines for those of a fixed set of prefixes the text uses, in this fixed order:
  ``dj id rdf rdfs schema skos xsd`` (the four `kg.rdf.new_graph` binds, plus rdf, rdfs, xsd);
  then a blank line.
* One block per subject, subjects in IRI (code point) order, a blank line between blocks.
  In a block ``a`` (rdf:type) comes first, then the other predicates in IRI order; the objects of
  a predicate are sorted (IRIs before literals; literals by lexical form, language, datatype) and
  each object after the first is on a line of its own::

      <https://w3id.org/dangjian-kg/id/article/p/0> a dj:Article ;
          dj:about <https://w3id.org/dangjian-kg/id/place/370832000000> ;
          dj:mentions <https://w3id.org/dangjian-kg/id/place/370800000000>,
              <https://w3id.org/dangjian-kg/id/place/370832000000> ;
          dj:startOffset 0 .

Terms (Turtle 1.1, https://www.w3.org/TR/turtle/#sec-grammar-grammar):

* An IRI is a prefixed name only when it is a prefix's namespace followed by a local part matching
  ``[A-Za-z_][A-Za-z0-9_-]*`` -- a strict subset of PN_LOCAL that needs no escapes (no ``.``, ``:``,
  ``%``, ``/``, no leading digit). Anything else is a full ``<IRI>``: so the `id:` IRIs, whose local
  parts hold ``/``, stay full. An IRI must be absolute and hold none of the characters IRIREF
  forbids (``\\x00``-``\\x20 < > " { } | ^ ` \\``): else `ValueError`, as the file would not say
  what was meant.
* Literals of xsd:integer, xsd:decimal and xsd:boolean are written bare when their lexical form is
  exactly a Turtle INTEGER (``[+-]?[0-9]+``), DECIMAL (``[+-]?[0-9]*\\.[0-9]+``) or BooleanLiteral
  (``true``/``false``) -- Turtle gives a bare number the very text written as its lexical form, so
  this is the same RDF term. Any other (``"1000"^^xsd:decimal``, ``"1"^^xsd:boolean``) is quoted
  with its datatype. A language-tagged literal is ``"…"@tag`` (the tag must match LANGTAG, else
  `ValueError`); any other datatype ``"…"^^`` a prefixed name or ``<IRI>``; a literal with both a
  language and a datatype is a `ValueError` (rdflib refuses it too).
* Strings are written in ``"…"`` (STRING_LITERAL_QUOTE, which forbids raw ``"``, ``\\``, LF and
  CR). Those four are escaped as ``\\" \\\\ \\n \\r`` (ECHAR), as `kg.rdf._nt_quote` does; beyond
  that, tab, backspace and form feed are written ``\\t \\b \\f`` and every other control character
  (U+0000-U+001F, U+007F-U+009F) and U+2028/U+2029 as ``\\uXXXX`` (UCHAR). Turtle would allow those
  raw, and rdflib reads them raw, but a NUL or a line separator in a text file trips up editors,
  grep and diff; escaped, every literal stays on one line. Everything else is written as it is, in
  UTF-8.

Literals are written as given: rdflib may normalise a lexical form when it reads it (``007`` as an
xsd:integer reads as ``7``), as it does for the same literal built in `kg.rdf.to_graph`.
"""
from __future__ import annotations

import re
from typing import Iterable

from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.rdf import Lit, Triple
from kg.vocab import DJ_IRI, ID, SCHEMA

# The prefixes a graph.ttl may declare, in the order it declares them.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("dj", DJ_IRI),
    ("id", str(ID)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("schema", str(SCHEMA)),
    ("skos", str(SKOS)),
    ("xsd", str(XSD)),
)
_PREFIX_OF = {namespace: prefix for prefix, namespace in PREFIXES}
assert len(_PREFIX_OF) == len(PREFIXES)

_TYPE = str(RDF.type)
_XSD_INTEGER, _XSD_DECIMAL, _XSD_BOOLEAN = str(XSD.integer), str(XSD.decimal), str(XSD.boolean)

_SAFE_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")
_LANGTAG = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")
_BARE = {
    _XSD_INTEGER: re.compile(r"[+-]?[0-9]+"),
    _XSD_DECIMAL: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD_BOOLEAN: re.compile(r"true|false"),
}

_ESCAPE = {ord(c): f"\\u{ord(c):04X}" for c in [*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)),
                                                  "\u2028", "\u2029"]}
_ESCAPE.update({ord("\t"): "\\t", ord("\b"): "\\b", ord("\n"): "\\n", ord("\f"): "\\f", ord("\r"): "\\r",
                ord('"'): '\\"', ord("\\"): "\\\\"})
_NEEDS_ESCAPE = re.compile("[" + "".join(f"\\u{code:04x}" for code in sorted(_ESCAPE)) + "]")


def turtle_quote(text: str) -> str:
    """`text` as the inside of a Turtle ``"…"`` string."""
    return text.translate(_ESCAPE) if _NEEDS_ESCAPE.search(text) else text


class _Writer:
    """Writes terms, remembering each term's text and which prefixes the text uses."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.iris: dict[str, str] = {}
        self.literals: dict[Lit, str] = {}

    def iri(self, iri: str) -> str:
        text = self.iris.get(iri)
        if text is None:
            text = self.iris[iri] = self._iri(iri)
        return text

    def _iri(self, iri: str) -> str:
        if not isinstance(iri, str):
            raise ValueError(f"not an IRI: {iri!r}")
        if not _ABSOLUTE_IRI.fullmatch(iri):
            raise ValueError(f"not an absolute IRI that Turtle can write: {iri!r}")
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        prefix = _PREFIX_OF.get(iri[:cut])
        if prefix is not None and _SAFE_LOCAL.fullmatch(iri, cut):
            self.used.add(prefix)
            return f"{prefix}:{iri[cut:]}"
        return f"<{iri}>"

    def literal(self, value: Lit) -> str:
        text = self.literals.get(value)
        if text is None:
            text = self.literals[value] = self._literal(value)
        return text

    def _literal(self, value: Lit) -> str:
        lexical, lang, datatype = value
        if lang and datatype:
            raise ValueError(f"a literal has a language or a datatype, not both: {value!r}")
        if lang:
            if not _LANGTAG.fullmatch(lang):
                raise ValueError(f"not a language tag: {lang!r}")
            return f'"{turtle_quote(lexical)}"@{lang}'
        if datatype:
            bare = _BARE.get(datatype)
            if bare is not None and bare.fullmatch(lexical):
                return lexical
            return f'"{turtle_quote(lexical)}"^^{self.iri(datatype)}'
        return f'"{turtle_quote(lexical)}"'

    def term(self, value: str | Lit) -> str:
        return self.iri(value) if isinstance(value, str) else self.literal(value)


def _object_key(value: str | Lit) -> tuple:
    if isinstance(value, str):
        return (0, value)
    lexical, lang, datatype = value
    return (1, lexical, lang or "", datatype or "")


def turtle_text(triples: Iterable[Triple]) -> str:
    """The Turtle of a set of triples: byte for byte the same for the same set, in any order."""
    subjects: dict[str, dict[str, set]] = {}
    for s, p, o in triples:
        predicates = subjects.get(s)
        if predicates is None:
            predicates = subjects[s] = {}
        objects = predicates.get(p)
        if objects is None:
            objects = predicates[p] = set()
        objects.add(o)

    writer = _Writer()
    blocks = []
    for subject in sorted(subjects):
        predicates = subjects[subject]
        lines = []
        for predicate in sorted(predicates, key=lambda p: (p != _TYPE, p)):
            verb = "a" if predicate == _TYPE else writer.iri(predicate)
            objects = sorted(predicates[predicate], key=_object_key)
            lines.append(f"{verb} " + ",\n        ".join(map(writer.term, objects)))
        blocks.append(f"{writer.iri(subject)} " + " ;\n    ".join(lines) + " .\n")
    if not blocks:
        return ""
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES
                     if prefix in writer.used)
    return (header + "\n" if header else "") + "\n".join(blocks)


__all__ = ["PREFIXES", "turtle_quote", "turtle_text"]
