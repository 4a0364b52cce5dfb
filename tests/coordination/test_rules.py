"""The rule file: every quote is the seed's own words, and a broken file is one clear error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corridor.coordination.rules import BUNDLED_RULES, load_rules
from corridor.errors import InputError

SEEDS = Path("/work/shared/seeds")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _quotes() -> list[tuple[str, str, str]]:
    rules = load_rules()
    found = [
        (name, part.quote, part.source)
        for name, part in (
            ("great_powers", rules.great_powers),
            ("traditional", rules.traditional),
            ("mechanism_areas", rules.mechanism_areas),
        )
    ]
    found += [(r.id, r.quote, r.source) for r in rules.rules]
    found.append(("blocs", rules.blocs.quote, rules.blocs.source))
    return found


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds are not on this machine")
@pytest.mark.parametrize(("name", "quote", "source"), _quotes(), ids=[q[0] for q in _quotes()])
def test_every_quote_is_verbatim_from_its_seed(name: str, quote: str, source: str) -> None:
    seed = next(SEEDS.glob(source.split(",", maxsplit=1)[0].removeprefix("seed ").strip()))
    text = _flat(seed.read_text(encoding="utf-8"))
    for piece in quote.split(" [...] "):
        assert _flat(piece) in text, f"{name}: not in {seed.name}: {piece[:60]}"


def test_the_seed_names_the_great_powers_and_the_traditional_root() -> None:
    rules = load_rules()
    assert rules.great_power_states == {"CHN", "USA", "JPN", "IND", "RUS"}
    assert rules.traditional.classes == ("traditional",)


@pytest.mark.parametrize(
    ("edit", "phrase"),
    [
        (lambda t: t.replace("id: dual\n", "id: duel\n"), "missing \\['dual'\\]"),
        (lambda t: t.replace("focus: 0.15", "focus: 0.5"), "sum to 1"),
        (lambda t: t.replace("[CHN, USA, JPN, IND, RUS]", "[CHINA]"), "great_powers.states"),
        (lambda t: t + "\n  - : [", "not valid YAML"),
    ],
)
def test_a_broken_rule_file_is_one_clear_error(tmp_path: Path, edit: object, phrase: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(edit(BUNDLED_RULES.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(InputError, match=phrase) as caught:
        load_rules(path)
    assert str(path) in str(caught.value)
