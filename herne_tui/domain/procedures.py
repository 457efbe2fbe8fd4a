"""The coalition's own procedures as pure rules: partner deadlines, consensus, deferral.

From the agreement's "Koordinierung der Zusammenarbeit": proposals for joint motions must
reach the partner two weeks before the filing deadline (counted in calendar days: the filing
deadline minus 14 days, whatever weekday that is); positions are agreed before committee
meetings; a paper without consensus when its meeting comes is deferred, unless it is legally
required or deferring it harms the city financially; the Koordinierungsgruppe has at most 8
people per party.
"""

from __future__ import annotations

from datetime import date, timedelta

from herne_tui.errors import InvalidInput

DEFAULT_LEAD_DAYS = 14
DEFAULT_MAX_PER_PARTY = 8
DECISIONS = {"einstimmig": "einstimmig beschlossen", "dissens-festgestellt": "Dissens festgestellt"}
"""The Koordinierungsgruppe's two possible decisions (key → German label)."""


def partner_deadline(
    filing_deadline: date | None, lead_days: int = DEFAULT_LEAD_DAYS
) -> date | None:
    """Last day to send a joint-motion proposal to the partner (calendar days before filing)."""
    if filing_deadline is None:
        return None
    return filing_deadline - timedelta(days=lead_days)


CONSENSUS_LABELS = {"konsens": "Konsens", "dissens": "Dissens", "offen": "offen"}
"""How the partners' positions stand (``consensus``'s keys) as a user reads it."""


def consensus(positions: dict[str, str], partners: tuple[str, ...]) -> str:
    """``konsens`` when every partner takes the same stand, ``offen`` while one is missing or
    open, ``dissens`` when they differ."""
    values = [positions.get(p, "offen") for p in partners]
    if not values or any(v == "offen" for v in values):
        return "offen"
    return "konsens" if len(set(values)) == 1 else "dissens"


def verdict(
    state: str,
    positions: dict[str, str],
    *,
    meeting_date: date | None,
    today: date,
    legally_required: bool,
    harmful_to_defer: bool,
) -> str:
    """What the rules say for a paper: vote together, keep negotiating, or defer.

    Without consensus by the meeting the paper is deferred ("zurückstellen"), except when it
    must be discussed by law or deferral causes financial damage.
    """
    if state == "konsens":
        stand = next(iter(positions.values()))
        return f"gemeinsam: {stand}"
    due = meeting_date is not None and today >= meeting_date
    if not due:
        return "Positionen abstimmen" if state == "offen" else "Dissens klären"
    if legally_required:
        return "beraten (rechtlich verpflichtend) – kein Konsens"
    if harmful_to_defer:
        return "beraten (sonst finanzieller Schaden) – kein Konsens"
    return "zurückstellen"


def group_limit(max_per_party: object, party: str) -> int:
    """The Koordinierungsgruppe's size for one party: the seed gives one number for all, or
    a table ``{PARTY = n}`` (a party it leaves out gets the default)."""
    if isinstance(max_per_party, dict):
        value = max_per_party.get(party, DEFAULT_MAX_PER_PARTY)
    else:
        value = max_per_party
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return DEFAULT_MAX_PER_PARTY


def check_participants(
    participants: dict[str, list[str]],
    partners: tuple[str, ...],
    max_per_party: int | dict = DEFAULT_MAX_PER_PARTY,
) -> dict[str, list[str]]:
    """Clean the participant lists; InvalidInput when a party sends more than allowed."""
    clean: dict[str, list[str]] = {}
    for party, names in participants.items():
        if partners and party not in partners:
            raise InvalidInput(
                f"Koordinierungsgruppe: „{party}“ ist keine Partei der "
                f"Vereinbarung ({', '.join(partners)})"
            )
        people = [" ".join(n.split()) for n in names if n and n.strip()]
        if len(set(people)) != len(people):
            raise InvalidInput(f"Koordinierungsgruppe: doppelte Namen bei {party}")
        limit = group_limit(max_per_party, party)
        if len(people) > limit:
            raise InvalidInput(
                f"Koordinierungsgruppe: {party} hat {len(people)} Teilnehmende,"
                f" erlaubt sind höchstens {limit} für {party}"
            )
        clean[party] = people
    return clean


def annual_reviews(signed: date, term_end: date) -> list[date]:
    """The yearly Jahresbilanz dates: each anniversary of the signing within the term."""
    out: list[date] = []
    year = signed.year + 1
    while True:
        try:
            day = signed.replace(year=year)
        except ValueError:  # 29 February in a year without it
            day = date(year, 2, 28)
        if day > term_end:
            return out
        out.append(day)
        year += 1


def midterm(term_start: date, term_end: date) -> date:
    """The middle of the council term (the mid-term evaluation)."""
    return term_start + (term_end - term_start) / 2
