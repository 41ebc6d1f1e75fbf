"""English governance words → their Swedish counterparts, for English questions over Swedish text.

The dense side understands English questions only roughly; the lexical side and the
answerer's coverage check need the Swedish words. This list covers the vocabulary of policies,
minutes and decisions in Swedish regions, municipalities and agencies; each English form maps
to Swedish stems or words as they appear in such documents.
"""

from __future__ import annotations

ENGLISH_TO_SWEDISH: dict[str, tuple[str, ...]] = {
    # deciding and governing
    "adopt": ("antar", "antaga", "antagen"), "adopts": ("antar", "antaga"),
    "adopted": ("antagen", "antogs", "antaga"), "adoption": ("antagande", "antaga"),
    "approve": ("godkänner", "godkänna"), "approves": ("godkänner",), "approved": ("godkänd",),
    "decide": ("besluta", "beslutar"), "decides": ("beslutar", "besluta"),
    "decided": ("beslutade", "beslut"), "decision": ("beslut",), "decisions": ("beslut",),
    "propose": ("föreslår",), "proposes": ("föreslår",), "proposed": ("föreslog", "förslag"),
    "proposal": ("förslag",), "prepare": ("bereda",), "prepares": ("bereda", "bereder"),
    "prepared": ("beredd", "bereda"), "responsible": ("ansvarar", "ansvarig", "ansvar"),
    "responsibility": ("ansvar", "ansvarar"), "council": ("fullmäktige",),
    "assembly": ("fullmäktige",), "board": ("styrelse", "landstingsstyrelsen"),
    "executive": ("styrelse", "landstingsstyrelsen"), "committee": ("nämnd", "beredning"),
    "delegation": ("delegationen",), "planning": ("planeringsdelegationen", "planering"),
    "minutes": ("protokoll", "protokollet"), "meeting": ("sammanträde", "tid", "plats"),
    "meet": ("sammanträde", "tid"), "met": ("sammanträde", "tid"),
    "registration": ("diarienummer", "dnr"), "case": ("ärende", "diarienummer"),
    "director": ("direktör",), "chairman": ("ordförande",), "chair": ("ordförande",),
    "signed": ("justeras", "intygar"), "certifies": ("intygar",), "adjusted": ("justeras",),
    # what policies are about
    "policy": ("policy",), "strategy": ("strategi",), "strategic": ("strategiska", "strategisk"),
    "direction": ("inriktning", "inriktningen"), "goal": ("mål",), "goals": ("mål", "målen"),
    "objective": ("mål",), "objectives": ("mål", "målen"), "vision": ("vision",),
    "international": ("internationell", "internationella", "internationellt"),
    "cooperation": ("samarbete", "samverkan"), "cooperate": ("samarbetar", "samarbete"),
    "collaboration": ("samarbete", "samverkan"), "partners": ("partner", "partners"),
    "network": ("nätverk",), "networks": ("nätverk",), "project": ("projekt",),
    "projects": ("projekt",), "member": ("medlem", "medlemskapet"),
    "membership": ("medlemskapet", "medlemskap"), "organisation": ("organisation",),
    "organization": ("organisation",), "region": ("region", "regionen"),
    "regional": ("regional", "regionala"), "county": ("län", "landsting"),
    "development": ("utveckling",), "growth": ("tillväxt",), "health": ("hälsa", "hälso"),
    "healthcare": ("sjukvård", "hälso"), "dental": ("tandvård",), "research": ("forskning",),
    "education": ("utbildning",), "culture": ("kultur",), "knowledge": ("kunskaper", "kunskap"),
    "funding": ("medel", "eu-medel"), "funds": ("medel", "eu-medel"), "budget": ("budget",),
    "action": ("handlingsplaner",), "plans": ("handlingsplaner", "planer"),
    "annual": ("årliga",), "yearly": ("årliga",), "interests": ("intressen",),
    "contacts": ("kontakter",), "visible": ("synligt", "synliggöra"),
    "lithuania": ("litauen",), "sweden": ("sverige",), "europe": ("europa",),
    "european": ("europeiska", "eu"), "commission": ("kommissionen", "eu-kommissionen"),
    "travel": ("resor", "tjänsteresor"), "employee": ("anställd", "medarbetare"),
    "salary": ("lön",), "law": ("lag",), "act": ("lag",), "ordinance": ("förordning",),
}  # fmt: skip


def to_swedish(words: list[str]) -> list[str]:
    """The Swedish counterparts of the English words among `words`."""
    return [sv for word in words for sv in ENGLISH_TO_SWEDISH.get(word, ())]
