"""The web UI's template helpers: highlighting escapes everything but its own marks; page and size labels."""

import pytest

from ragcore.app.web.views import highlight, human_size, pages_label


def test_highlight_marks_query_words_in_any_case_and_escapes_the_rest():
    assert str(highlight("<b>Ducks & geese</b> duck", "duck GEESE")) == (
        "&lt;b&gt;<mark>Duck</mark>s &amp; <mark>geese</mark>&lt;/b&gt; <mark>duck</mark>")


def test_highlight_escapes_markup_in_the_query_and_ignores_one_letter_words():
    assert str(highlight("a <script> tag", "<script> a")) == "a &lt;<mark>script</mark>&gt; tag"
    assert str(highlight("plain <i>", "?")) == "plain &lt;i&gt;"


@pytest.mark.parametrize(("pages", "label"), [([], ""), ([3], "page 3"), ([4, 3, 5], "pages 3-5"),
                                              ([1, 4, 4], "pages 1, 4")])
def test_pages_label(pages, label):
    assert pages_label(pages) == label


@pytest.mark.parametrize(("size", "label"), [(None, ""), (0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KB"),
                                             (133_120, "130.0 KB"), (5 * 1024**3, "5.0 GB")])
def test_human_size(size, label):
    assert human_size(size) == label
