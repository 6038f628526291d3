"""Rich display: every picture is well-formed SVG, every table escapes stored content, and the
pictures say what the values are (steps and kinds, stages, datums, both sides of a law)."""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing

from dualtrack import (
    Datum,
    Focus,
    Id,
    LawViolation,
    MaybeFunctor,
    MemoryDgent,
    agent,
    each,
    fold,
    getter,
    identity,
    item,
    key,
    lens,
    prism,
    setter,
)
from dualtrack.display import (
    CausalGraph,
    causal_graph,
    commuting_square,
    compose_kinds,
    composition_table,
    diagram,
    kind_lattice,
    summary,
    timeline,
)
from dualtrack.display.laws import first_difference, marked
from dualtrack.display.optics import steps
from laws.strategies import json_values

HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


def parse_svg(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not [e for e in root.iter() if e.tag.endswith("script")], "no script element"
    return root


def texts(svg: str) -> list[str]:
    return [e.text or "" for e in parse_svg(svg).iter() if e.tag.endswith("text")]


def test_an_optic_shows_each_step_with_its_kind_and_the_kind_of_the_whole() -> None:
    optic = key("customer") >> item("phone") >> each()
    shown = texts(optic._repr_svg_())
    for label, kind in [("key('customer')", "Lens"), ("item('phone')", "Affine")]:
        assert label in shown
        assert kind in shown
    assert ("each()", "Traversal") in list(itertools.pairwise(shown))
    assert "Traversal" in shown
    assert "preview get_all set modify" in shown
    assert steps(optic) == [
        ("key('customer')", "Lens"),
        ("item('phone')", "Affine"),
        ("each()", "Traversal"),
    ]


def test_a_custom_optic_named_with_markup_is_escaped() -> None:
    hostile = lens(lambda s: s, lambda s, a: a, name=HOSTILE)
    svg = hostile._repr_svg_()
    assert "<script>" not in svg
    assert any("<script" in text for text in texts(svg)), "shown as text, not markup"


def test_the_lattice_caption_names_the_kind_composition_gives_at_run_time() -> None:
    samples = {
        "Iso": identity(),
        "Lens": key("a"),
        "Prism": prism(lambda s: Nothing, str),
        "Affine": item("a"),
        "Traversal": each(),
        "Getter": getter(len),
        "Fold": fold(list),
        "Setter": setter(lambda s, f: s),
    }
    for first, left in samples.items():
        for second, right in samples.items():
            result = compose_kinds(first, second)
            drawing = kind_lattice(first, second)
            parse_svg(drawing.svg)
            if result is None:
                assert "CompositionError" in repr(drawing)
            else:
                assert (left >> right).kind == result
                assert repr(drawing).endswith(result)
    table = composition_table()
    assert table.html.count("<tr>") == 9
    assert "Affine" in repr(table)


def test_a_pipeline_shows_its_stages_and_functor_frames() -> None:
    f, g = agent(abs, name="f"), agent(str, name="g")
    flow = f >> MaybeFunctor.lift(f >> g) >> Focus(key("a")).lift(g)
    shown = texts(flow._repr_svg_())
    assert shown.count("f") == 2
    assert shown.count("g") == 2
    assert "Maybe" in shown
    assert "Focus(key('a'))" in shown
    assert "3 stages, run left to right" in shown
    assert any("Id" in text for text in texts(Id._repr_svg_()))
    assert "<script>" not in agent(abs, name=HOSTILE)._repr_svg_()


def test_a_datum_holding_markup_renders_escaped() -> None:
    datum = Datum(
        id='q"<b>',
        content=HOSTILE.encode(),
        created_at=0.0,
        metadata={"<i>": "</table>"},
    )
    rendered = datum._repr_html_()
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert "</table>" not in rendered.replace("</table>", "", 1)
    assert html.escape(HOSTILE) in rendered
    binary = Datum(id="b", content=bytes([0, 255]), created_at=0.0)._repr_html_()
    assert "2 bytes: 00 ff" in binary


def test_a_law_violation_marks_where_the_sides_differ() -> None:
    violation = LawViolation(
        "PutGet", {"s": HOSTILE}, {"n": 1, "xs": [1, 2]}, {"n": -1, "xs": [1, 2]}
    )
    rendered = violation._repr_html_()
    assert "<script" not in rendered
    assert "PutGet" in rendered
    assert re.search(r"<mark[^>]*>-</mark>", rendered)
    assert "they differ at [&#x27;n&#x27;]: 1 vs -1" in rendered


@given(st.text(), st.text())
def test_marking_loses_nothing(left: str, right: str) -> None:
    for shown, original in zip(marked(left, right), (left, right), strict=True):
        assert html.unescape(re.sub(r"</?mark[^>]*>", "", shown)) == original
    if left == right:
        assert "<mark" not in marked(left, right)[0]


@given(json_values(), json_values())
def test_first_difference_finds_a_place_where_the_values_differ(
    left: object, right: object
) -> None:
    found = first_difference(left, right)
    if type(left) is type(right) and left == right:
        assert found is None
        return
    assert found is not None
    path, a, b = found
    assert path or (a is left and b is right)
    assert not (type(a) is type(b) and a == b)


def test_a_causal_graph_outlines_the_chain_and_places_children_below() -> None:
    async def build() -> tuple[CausalGraph, object]:
        store = MemoryDgent()
        root = await store.put(Datum(id="r", content=HOSTILE.encode(), created_at=1.0))
        a = await store.put(Datum(id="a", content=b"a", created_at=2.0, causal_parent="r"))
        await store.put(Datum(id="b", content=b"b", created_at=3.0, causal_parent="r"))
        await store.put(Datum(id="c", content=b"c", created_at=4.0, causal_parent="a"))
        await store.set_ref("head", "c", expected=None)
        graph = await causal_graph(store, a.id)
        shot = await summary(store, refs=["head", "missing"], recent=2)
        assert root.id == "r"
        return graph, shot

    graph, shot = asyncio.run(build())
    assert {d.id for d in graph.datums} == {"r", "a", "c"}
    assert graph.highlight == {"r", "a"}
    places = graph.layout()
    assert places["r"][1] == 0
    assert places["a"][1] == 1
    assert places["c"][1] == 2
    parse_svg(graph._repr_svg_())
    assert repr(graph).splitlines()[0].startswith("* r:")
    assert shot.count == 4
    assert shot.refs == {"head": "c", "missing": None}
    assert [d.id for d in shot.recent] == ["c", "b"]
    table = shot._repr_html_()
    assert "<script" not in table
    assert "not set" in table


def test_a_datum_whose_parent_is_outside_the_graph_gets_a_stub() -> None:
    orphan = Datum(id="x", content=b"x", created_at=1.0, causal_parent="elsewhere")
    svg = CausalGraph.of([orphan])._repr_svg_()
    assert "parent elsewhere" in texts(svg)


def test_diagrams_and_timelines_are_well_formed_and_escaped() -> None:
    square = commuting_square(("A", "B", HOSTILE, "D"), "f", "g", "h", HOSTILE, caption=HOSTILE)
    parse_svg(square.svg)
    assert "<script>" not in square.svg
    parse_svg(diagram({"x": (0.5, 0), "y": (0, 1)}, [("x", "y", "f")]).svg)
    line = timeline([("A", HOSTILE, "bad"), ("B", "ok", "good")], caption="c")
    parse_svg(line.svg)
    assert repr(line) == f"A: {HOSTILE} (!) | B: ok"


def test_importing_the_core_does_not_import_display() -> None:
    code = "import sys, dualtrack; print('dualtrack.display' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
