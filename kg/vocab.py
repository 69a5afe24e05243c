"""The graph's vocabulary as a closed namespace: a misspelt term fails at import.

Every term written by the build is declared here and in `ontology/dangjian.ttl`.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

DJ_IRI = "https://w3id.org/dangjian-kg/ontology#"
ID = Namespace("https://w3id.org/dangjian-kg/id/")
SCHEMA = Namespace("https://schema.org/")


class DJ(DefinedNamespace):
    _NS = Namespace(DJ_IRI)
    _fail = True

    # classes
    Article: URIRef
    Province: URIRef
    City: URIRef
    County: URIRef
    Town: URIRef
    Village: URIRef
    Community: URIRef
    Organization: URIRef
    Program: URIRef
    PolicyDocument: URIRef
    Person: URIRef
    Reporter: URIRef
    Mention: URIRef
    Quantity: URIRef

    # article properties
    sourceFile: URIRef
    headline: URIRef
    kind: URIRef
    dateline: URIRef
    reporter: URIRef
    photographer: URIRef
    about: URIRef
    mentions: URIRef

    # entity properties
    locatedIn: URIRef
    statedIn: URIRef
    launchedIn: URIRef
    runBy: URIRef
    issuedBy: URIRef
    issuedIn: URIRef
    divisionCode: URIRef
    orgKind: URIRef

    # evidence
    mentionOf: URIRef
    inArticle: URIRef
    startOffset: URIRef
    endOffset: URIRef
    text: URIRef
    sentence: URIRef

    # reported figures
    reports: URIRef
    quantityOf: URIRef
    counts: URIRef
    approximate: URIRef
    evidence: URIRef


# Entity type (model.ENTITY_TYPES) -> class.
CLASS_OF_TYPE = {
    "province": DJ.Province,
    "city": DJ.City,
    "county": DJ.County,
    "town": DJ.Town,
    "village": DJ.Village,
    "community": DJ.Community,
    "organization": DJ.Organization,
    "program": DJ.Program,
    "document": DJ.PolicyDocument,
    "person": DJ.Person,
    "reporter": DJ.Reporter,
}

# Link.predicate (as finders write it) -> property.
PROPERTY_OF_LINK = {
    "locatedIn": DJ.locatedIn,
    "statedIn": DJ.statedIn,
    "launchedIn": DJ.launchedIn,
    "runBy": DJ.runBy,
    "issuedBy": DJ.issuedBy,
    "locality": DJ.issuedIn,
}
