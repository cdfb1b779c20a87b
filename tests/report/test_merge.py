"""A partial run merges into an existing results.json by claim: nothing dropped, old claims marked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spurious.report.merge import merge_results

ORDER = ["A", "B", "C", "D"]


def payload(ids, generated: str, seeds=(0,)) -> dict:
    return {"generated": generated, "seeds": list(seeds), "quick": False,
            "verdicts": [{"id": i, "status": "holds", "from": generated} for i in ids]}


@given(st.sets(st.sampled_from(ORDER), min_size=1), st.sets(st.sampled_from(ORDER), min_size=1))
def test_every_claim_survives_and_the_new_run_wins(old_ids, new_ids) -> None:
    merged = merge_results(payload(sorted(old_ids), "old"), payload(sorted(new_ids), "new", (3, 4)), ORDER)
    ids = [v["id"] for v in merged["verdicts"]]
    assert ids == [i for i in ORDER if i in old_ids | new_ids]  # catalogue order, no duplicates, none dropped
    for v in merged["verdicts"]:
        assert v["from"] == ("new" if v["id"] in new_ids else "old")
        assert ("run" in v) == (v["id"] not in new_ids)
    assert ("merged" in merged) == bool(old_ids - new_ids)
