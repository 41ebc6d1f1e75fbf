"""Words staff ask in → the words the documents use: English governance words → Swedish, for
English questions over Swedish text; everyday Swedish → the formal words of laws and policies.

The dense side understands English questions only roughly; the lexical side and the
answerer's coverage check need the Swedish words. This list covers the vocabulary of policies,
minutes and decisions in Swedish regions, municipalities and agencies; each English form maps
to Swedish stems or words as they appear in such documents. The everyday words are added to
the search only: an answer is still judged by the words the question used.
"""

from __future__ import annotations

import re

ENGLISH_TO_SWEDISH: dict[str, tuple[str, ...]] = {
    # deciding and governing
    "adopt": ("antar", "antaga", "antagen"),
    "adopts": ("antar", "antaga"),
    "adopted": ("antagen", "antogs", "antaga"),
    "adoption": ("antagande", "antaga"),
    "approve": ("godkänner", "godkänna"),
    "approves": ("godkänner",),
    "approved": ("godkänd",),
    "decide": ("besluta", "beslutar"),
    "decides": ("beslutar", "besluta"),
    "decided": ("beslutade", "beslut"),
    "decision": ("beslut",),
    "decisions": ("beslut",),
    "propose": ("föreslår",),
    "proposes": ("föreslår",),
    "proposed": ("föreslog", "förslag"),
    "proposal": ("förslag",),
    "prepare": ("bereda",),
    "prepares": ("bereda", "bereder"),
    "prepared": ("beredd", "bereda"),
    "responsible": ("ansvarar", "ansvarig", "ansvar"),
    "responsibility": ("ansvar", "ansvarar"),
    "council": ("fullmäktige",),
    "assembly": ("fullmäktige",),
    "board": ("styrelse", "landstingsstyrelsen"),
    "executive": ("styrelse", "landstingsstyrelsen"),
    "committee": ("nämnd", "beredning"),
    "delegation": ("delegationen",),
    "planning": ("planeringsdelegationen", "planering"),
    "minutes": ("protokoll", "protokollet"),
    "meeting": ("sammanträde", "tid", "plats"),
    "meet": ("sammanträde", "tid"),
    "met": ("sammanträde", "tid"),
    "registration": ("diarienummer", "dnr"),
    "case": ("ärende", "diarienummer"),
    "director": ("direktör",),
    "chairman": ("ordförande",),
    "chair": ("ordförande",),
    "signed": ("justeras", "intygar"),
    "certifies": ("intygar",),
    "adjusted": ("justeras",),
    # what policies are about
    "policy": ("policy",),
    "strategy": ("strategi",),
    "strategic": ("strategiska", "strategisk"),
    "direction": ("inriktning", "inriktningen"),
    "goal": ("mål",),
    "goals": ("mål", "målen"),
    "objective": ("mål",),
    "objectives": ("mål", "målen"),
    "vision": ("vision",),
    "international": ("internationell", "internationella", "internationellt"),
    "cooperation": ("samarbete", "samverkan"),
    "collaboration": ("samarbete", "samverkan"),
    "partners": ("partner", "partners"),
    "network": ("nätverk",),
    "networks": ("nätverk",),
    "project": ("projekt",),
    "projects": ("projekt",),
    "member": ("medlem", "medlemskapet"),
    "membership": ("medlemskapet", "medlemskap"),
    "organisation": ("organisation",),
    "organization": ("organisation",),
    "region": ("region", "regionen"),
    "regional": ("regional", "regionala"),
    "county": ("län", "landsting"),
    "development": ("utveckling",),
    "growth": ("tillväxt",),
    "health": ("hälsa", "hälso"),
    "healthcare": ("sjukvård", "hälso"),
    "dental": ("tandvård",),
    "research": ("forskning",),
    "education": ("utbildning",),
    "culture": ("kultur",),
    "knowledge": ("kunskaper", "kunskap"),
    "funding": ("medel", "eu-medel"),
    "funds": ("medel", "eu-medel"),
    "budget": ("budget",),
    "action": ("handlingsplaner",),
    "plans": ("handlingsplaner", "planer"),
    "annual": ("årliga",),
    "yearly": ("årliga",),
    "interests": ("intressen",),
    "issues": ("frågor",),
    "questions": ("frågor",),
    "matters": ("frågor", "ärenden"),
    "traffic": ("trafik", "trafikfrågor"),
    "contacts": ("kontakter",),
    "visible": ("synligt", "synliggöra"),
    "lithuania": ("litauen",),
    "sweden": ("sverige",),
    "europe": ("europa",),
    "european": ("europeiska", "eu"),
    "commission": ("kommissionen", "eu-kommissionen"),
    "travel": ("resor", "tjänsteresor"),
    "employee": ("anställd", "medarbetare"),
    "salary": ("lön",),
    "law": ("lag",),
    "act": ("lag",),
    "ordinance": ("förordning",),
    # the laws staff consult: administrative procedure, local government, patient safety
    "authority": ("myndighet", "myndigheten"),
    "authorities": ("myndigheter", "myndighet"),
    "agency": ("myndighet", "myndigheten"),
    "agencies": ("myndigheter", "myndighet"),
    "cooperate": ("samarbetar", "samarbete", "samverka"),
    "appeal": ("överklaga", "överklagande"),
    "appealed": ("överklagas", "överklaga"),
    "court": ("domstol", "förvaltningsrätten"),
    "party": ("part", "parten"),
    "parties": ("parter", "part"),
    "applicant": ("sökande", "part"),
    "reasons": ("motivering", "skäl"),
    "grounds": ("skäl", "grunder"),
    "interpreter": ("tolk",),
    "translation": ("översättning", "översätta"),
    "representative": ("ombud",),
    "attorney": ("fullmakt", "ombud"),
    "disqualified": ("jävig", "jäv"),
    "disqualification": ("jäv",),
    "bias": ("jäv",),
    "conflict": ("jäv",),
    "complaint": ("klagomål",),
    "complaints": ("klagomål",),
    "delay": ("försenat", "dröjsmål"),
    "delayed": ("försenat", "försenas"),
    "document": ("handling", "handlingar"),
    "documents": ("handlingar", "handling"),
    "record": ("dokumentera", "handling"),
    "vote": ("omröstning", "rösta"),
    "votes": ("omröstning", "röster"),
    "voting": ("omröstning",),
    "majority": ("majoritet",),
    "election": ("val",),
    "elections": ("val",),
    "elected": ("väljas", "valda"),
    "municipality": ("kommun", "kommunen"),
    "municipalities": ("kommuner",),
    "municipal": ("kommunal", "kommunala", "fullmäktige"),
    "residents": ("invånare", "kommunmedlemmar", "folkbokförd"),
    "citizens": ("medborgare", "medborgarförslag", "folkbokförd"),
    "proposals": ("förslag", "medborgarförslag"),
    "referendum": ("folkomröstning",),
    "petition": ("folkinitiativ", "medborgarförslag"),
    "auditors": ("revisorer",),
    "audit": ("revision", "granskning"),
    "members": ("ledamöter", "ledamöterna"),
    "councillor": ("förtroendevald", "ledamot"),
    "councillors": ("förtroendevalda", "ledamöter"),
    "notice": ("anslagstavla", "tillkännagivande"),
    "website": ("webbplats",),
    "patient": ("patient", "patienten"),
    "patients": ("patienter", "patient"),
    "safety": ("säkerhet", "patientsäkerhet"),
    "injury": ("vårdskada", "skada"),
    "injuries": ("vårdskador", "vårdskada"),
    "provider": ("vårdgivare", "vårdgivaren"),
    "providers": ("vårdgivare",),
    "staff": ("personal", "personalen"),
    "licence": ("legitimation",),
    "license": ("legitimation",),
    "licensed": ("legitimerad", "legitimation"),
    "probation": ("prövotid",),
    "inspectorate": ("inspektionen",),
    "report": ("anmäla", "rapportera", "anmälan"),
    "reported": ("anmälas", "anmäla"),
    "inform": ("informera", "underrätta"),
    "secrecy": ("sekretess",),
    "confidentiality": ("sekretess", "tystnadsplikt"),
    "supervise": ("tillsyn",),
    "supervises": ("tillsyn",),
    "supervision": ("tillsyn",),
    "investigate": ("utreda",),
    "investigation": ("utredning", "utreda"),
    "incident": ("händelse",),
    "incidents": ("händelser", "händelse"),
    "care": ("vård",),
    "doctor": ("läkare",),
    "doctors": ("läkare",),
    "nurse": ("sjuksköterska",),
    "nurses": ("sjuksköterskor",),
    "relatives": ("närstående",),
    "application": ("ansökan", "framställning"),
    "meetings": ("sammanträden", "sammanträde"),
    "public": ("offentliga", "offentlig", "allmänheten"),
    "closed": ("stängda",),
    "doors": ("dörrar",),
    # time: "How many weeks …" is answered by "tre veckor"
    "day": ("dag", "dagar"),
    "days": ("dagar", "dag"),
    "week": ("vecka", "veckor"),
    "weeks": ("veckor", "vecka"),
    "month": ("månad", "månader"),
    "months": ("månader", "månad"),
    "year": ("år",),
    "years": ("år",),
    "hour": ("timme", "timmar"),
    "hours": ("timmar", "timme"),
    "deadline": ("senast",),
    "immediately": ("omedelbart", "genast"),
    "promptly": ("snarast", "skyndsamt"),
}


# Everyday Swedish → the words laws and policies use for the same thing. Staff ask in the words
# they speak ("anhöriga", "partisk", "möte"); the texts say "närstående", "jävig", "sammanträde".
EVERYDAY_TO_FORMAL: dict[str, tuple[str, ...]] = {
    # people
    "anhörig": ("närstående",),
    "anhöriga": ("närstående",),
    "anhörigas": ("närståendes", "närstående"),
    "släkting": ("närstående",),
    "släktingar": ("närstående",),
    "politiker": ("förtroendevald", "förtroendevalda", "ledamöter"),
    "politikerna": ("förtroendevalda", "ledamöterna"),
    "tjänsteman": ("befattningshavare", "anställd"),
    "tjänstemän": ("befattningshavare", "anställda"),
    "handläggare": ("befattningshavare",),
    "handläggaren": ("befattningshavare",),
    "invånare": ("medlemmar", "kommunmedlemmar", "enskilda"),
    "invånarna": ("medlemmarna", "enskilda"),
    "medborgare": ("enskilda", "enskild", "medlemmar"),
    "medborgarna": ("enskilda", "medlemmarna"),
    "läkare": ("legitimerad", "yrkesutövare"),
    "sjuksköterska": ("legitimerad", "yrkesutövare"),
    "vårdpersonal": ("personal", "personalen"),
    "advokat": ("ombud", "biträde"),
    "jurist": ("ombud", "biträde"),
    # impartiality, secrecy, records
    "partisk": ("jävig", "jäv"),
    "partiskhet": ("jäv",),
    "opartisk": ("jävig", "jäv"),
    "hemlig": ("sekretess",),
    "hemligt": ("sekretess",),
    "hemliga": ("sekretess",),
    "papper": ("handling", "handlingar"),
    "dokument": ("handling", "handlingar"),
    "journal": ("patientjournal", "journalen"),
    # meetings and decisions
    "möte": ("sammanträde",),
    "möten": ("sammanträden",),
    "mötet": ("sammanträdet",),
    "mötena": ("sammanträdena",),
    "röstning": ("omröstning",),
    "kommunstyrelsen": ("styrelsen",),
    "regionstyrelsen": ("styrelsen",),
    # care
    "sjukhus": ("sjukvårdsinrättning", "vårdgivare"),
    "felbehandling": ("vårdskada",),
    "felbehandlad": ("vårdskada",),
    "skadad": ("vårdskada", "skada"),
    "ivo": ("inspektionen",),
    # time
    "snabbt": ("snarast", "skyndsamt"),
    "försenat": ("försenas", "dröjsmål"),
    "försening": ("försenas", "dröjsmål"),
}


# Everyday phrases (particle verbs) → the one word the documents use. Their words mean nothing
# apart ("ta", "reda", "hand"): the phrase is one term, covered by the documents' word. Only
# phrases the statutes themselves seldom use: "ta reda på" 11 times in ../shared/sfs against
# "utreda" 267; "ta emot", "se till" and "ta del av" are the statutes' own words and stay.
EVERYDAY_PHRASES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), formal)
    for pattern, formal in (
        (r"\bt(?:a|ar|og|agit|as|ogs)\s+reda\s+på\b", ("utreda", "utredning", "undersöka")),
        (r"\bf(?:å|år|ick|ått)\s+reda\s+på\b", ("underrättas", "underrättelse", "information")),
        (r"\bt(?:a|ar|og|agit|as|ogs)\s+hand\s+om\b", ("handlägga", "handläggning", "pröva")),
        (r"\bdr(?:a|ar|og|agit|as)\s+tillbaka\b", ("återkalla", "återkallelse")),
        (r"\bt(?:a|ar|og|agit)\s+betalt\b", ("avgift", "avgifter")),
        (r"\bskriv(?:a|er|it|s)\s+under\b", ("underteckna", "underskrift")),
    )
)


def everyday_phrases(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each everyday phrase in `text`: its own words (no content to cover alone) and the
    documents' words for it."""
    found = []
    for pattern, formal in EVERYDAY_PHRASES:
        for phrase in pattern.finditer(text):
            found.append((tuple(phrase.group(0).lower().split()), formal))
    return found


def to_swedish(words: list[str]) -> list[str]:
    """The Swedish counterparts of the English words among `words`."""
    return [sv for word in words for sv in ENGLISH_TO_SWEDISH.get(word, ())]


def to_formal(words: list[str]) -> list[str]:
    """The words the documents use for the everyday Swedish words among `words`."""
    return [formal for word in words for formal in EVERYDAY_TO_FORMAL.get(word, ())]
