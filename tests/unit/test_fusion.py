"""Reciprocal rank fusion."""

import pytest

from ragcore.domain.models import Chunk, SearchHit
from ragcore.domain.search.fusion import reciprocal_rank_fusion


def hit(name: str, score: float = 0.0) -> SearchHit:
    return SearchHit(chunk=Chunk(id=f"{name}:0", document_id=name, index=0, text=name), score=score)


def ids(hits) -> list[str]:
    return [h.chunk.document_id for h in hits]


def test_scores_are_weighted_reciprocal_ranks_summed_over_runs():
    fused = reciprocal_rank_fusion([([hit("a", 0.9), hit("b", 0.8)], 1.0), ([hit("b", 12.0), hit("c", 3.0)], 2.0)], 60)
    assert ids(fused) == ["b", "c", "a"]
    assert [h.score for h in fused] == pytest.approx([1 / 62 + 2 / 61, 2 / 62, 1 / 61])


def test_k_decides_how_much_top_ranks_dominate():
    dense = [hit("a"), hit("x"), hit("b")]
    keyword = [hit("y"), hit("z"), hit("b")]
    assert ids(reciprocal_rank_fusion([(dense, 1.0), (keyword, 1.0)], 0))[0] == "a"  # 1 > 1/3 + 1/3
    assert ids(reciprocal_rank_fusion([(dense, 1.0), (keyword, 1.0)], 60))[0] == "b"  # 2/63 > 1/61


def test_ties_keep_first_seen_order_and_the_first_runs_copy():
    fused = reciprocal_rank_fusion([([hit("a", 0.5)], 1.0), ([hit("b", 7.0), hit("a", 9.0)], 1.0)], 1)
    assert ids(fused) == ["a", "b"]  # a: 1/2 + 1/3 > b: 1/2
    fused = reciprocal_rank_fusion([([hit("a")], 1.0), ([hit("b")], 1.0)], 60)
    assert ids(fused) == ["a", "b"]


def test_a_zero_weight_run_only_adds_nothing_and_empty_runs_are_fine():
    assert ids(reciprocal_rank_fusion([([hit("a"), hit("b")], 1.0), ([hit("b")], 0.0)], 60)) == ["a", "b"]
    assert reciprocal_rank_fusion([([], 1.0), ([], 1.0)], 60) == []


def test_negative_k_is_refused():
    with pytest.raises(ValueError, match="k must be >= 0"):
        reciprocal_rank_fusion([], -1)
