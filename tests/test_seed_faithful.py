"""The seed against the agreement's own text: every policy paragraph, verbatim, in place."""

from __future__ import annotations

import re

import pytest
from helpers import AGREEMENT

pytestmark = pytest.mark.skipif(
    not AGREEMENT.exists(),
    reason=f"agreement text {AGREEMENT} not present (it ships beside the repo only in dev/CI)",
)


@pytest.fixture(scope="module")
def seed(bundled_seed):
    return bundled_seed.seed


def _norm(text: str) -> str:
    return " ".join(text.split())


def policy_paragraphs() -> list[tuple[str | None, str, list[str]]]:
    """(heading or None, paragraph, bullets) of the policy part, read independently."""
    raw = AGREEMENT.read_text(encoding="utf-8")
    start = raw.index("# INHALTLICHE PUNKTE")
    end = raw.index("# PERSONAL UND BETEILIGUNGEN")
    part = raw[start:end].splitlines()[1:]
    out: list[list] = []
    heading = None
    block: list[str] = []

    def flush():
        nonlocal heading
        if not block:
            return
        bullets = [b[2:] for b in block if b.startswith("- ")]
        text = [b for b in block if not b.startswith("- ")]
        if text:
            out.append([heading, _norm(" ".join(text)), [_norm(b) for b in bullets]])
            heading = None
        else:  # a bullet list continues the paragraph before it
            out[-1][2].extend(_norm(b) for b in bullets)
        block.clear()

    for line in part:
        if not line.strip():
            flush()
        elif line.lstrip().startswith("#"):
            flush()
            heading = line.strip("# ").strip()
        else:
            block.append(line.strip())
    flush()
    return [tuple(p) for p in out]


def toc_topics() -> list[str]:
    raw = AGREEMENT.read_text(encoding="utf-8")
    toc = raw[raw.index("Inhaltliche Punkte") : raw.index("Personal und Beteiligungen")]
    return [
        re.sub(r"\s+\d+$", "", line[2:]).strip()
        for line in toc.splitlines()
        if line.startswith("• ")
    ]


def seed_paragraphs(seed):
    """Every paragraph of the seed (measures and repeats) in agreement order."""
    order = {t.key: t.order for t in seed.topics}
    items = [(m.topic, m.paragraph, m.text, list(m.subitems)) for m in seed.measures]
    by_id = {m.id: m for m in seed.measures}
    items += [(r.topic, r.paragraph, r.text, list(by_id[r.of].subitems)) for r in seed.repeats]
    return sorted(items, key=lambda i: (order[i[0]], i[1]))


def test_every_policy_paragraph_is_in_the_seed_verbatim_and_in_order(seed):
    expected = policy_paragraphs()
    got = seed_paragraphs(seed)
    assert len(expected) > 100
    missing = [p for _, p, _ in expected if p not in {g[2] for g in got}]
    assert missing == [], f"paragraphs missing or altered in the seed: {missing[:3]}"
    assert [(p, b) for _, p, b in expected] == [(g[2], g[3]) for g in got]


def test_topics_follow_the_table_of_contents(seed):
    assert [t.name for t in sorted(seed.topics, key=lambda t: t.order)] == toc_topics()
    assert [t.key for t in sorted(seed.topics, key=lambda t: t.order)] == [
        "ARB",
        "SCH",
        "KJF",
        "MOB",
        "SIC",
        "DIG",
        "SOZ",
        "SPO",
        "UMW",
        "KUL",
        "WOH",
        "FIN",
        "DEM",
    ]


def test_every_heading_in_the_text_starts_its_topic(seed):
    names = {t.name.casefold(): t.key for t in seed.topics}
    got = seed_paragraphs(seed)
    for (heading, _, _), (topic, paragraph, _, _) in zip(policy_paragraphs(), got, strict=True):
        if heading is not None:
            assert names[heading.casefold()] == topic and paragraph == 1, heading


def test_paragraph_numbers_are_contiguous_per_topic(seed):
    got = seed_paragraphs(seed)
    for topic in {g[0] for g in got}:
        numbers = [g[1] for g in got if g[0] == topic]
        assert numbers == list(range(1, len(numbers) + 1)), topic


def test_word_for_word_repeats_are_provenance_not_cards(seed):
    texts = [p for _, p, _ in policy_paragraphs()]
    repeated = {t for t in texts if texts.count(t) > 1}
    assert len(repeated) == 2
    cards = [m.text for m in seed.measures]
    assert all(cards.count(t) == 1 for t in repeated)
    assert {r.text for r in seed.repeats} == repeated
    assert len(seed.measures) == len(texts) - len(seed.repeats)


def test_ids_titles_and_links(seed):
    ids = [m.id for m in seed.measures]
    assert ids[0] == "ARB-01"
    for topic in seed.topics:
        mine = [m for m in seed.measures if m.topic == topic.key]
        assert [m.id for m in sorted(mine, key=lambda m: m.paragraph)] == [
            f"{topic.key}-{n:02d}" for n in range(1, len(mine) + 1)
        ]
    titles = [m.title for m in seed.measures]
    assert len(set(titles)) == len(titles) and max(map(len, titles)) <= 60
    by_id = {m.id: m for m in seed.measures}
    for m in seed.measures:
        for other in m.related:
            assert m.id in by_id[other].related, f"{m.id} -> {other} is not symmetric"

    def find(word):
        return {m.id for m in seed.measures if word in m.text}

    for word in ("Suchtprävention", "Sozialleistungsmissbrauch"):
        a, b = sorted(find(word))
        assert b in by_id[a].related


def test_kita_quotas_are_targets(seed):
    kita = next(m for m in seed.measures if m.text.startswith("Umsetzung der Kita"))
    assert len(kita.subitems) == 2
    assert sorted(t.value for t in kita.targets) == [50, 100]
