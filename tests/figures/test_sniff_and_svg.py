"""Image types from bytes, and which downloaded SVGs are inert enough to serve (output/svgsafe.py)."""
from __future__ import annotations

import pytest

from site_builder.figures.sniff import sniff
from site_builder.output.svgsafe import svg_problem

from .images import GIF, SVG, png


@pytest.mark.parametrize("data, ext", [
    (png(), "png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"), (GIF, "gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"), (b"\x00\x00\x00\x1cftypavif\x00\x00", "avif"),
    (SVG, "svg"), (b"\xef\xbb\xbf<!-- c --><svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
    (b"<!doctype html><html><body>not an image", None), (b"", None), (b"GIF", None),
    (b"<svgx>", None), (b"%PDF-1.7", None),
])
def test_sniff(data, ext):
    assert sniff(data) == ext


def test_an_inert_svg_is_served():
    assert svg_problem(SVG) is None


@pytest.mark.parametrize("svg, why", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="x()"/></svg>', "event handler"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "foreignObject"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     b'<image x:href="https://tracker.example/p.png"/></svg>', "refers to"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>', "javascript"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,AAAA"/></svg>', "refers to"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"><set attributeName="href" to="#y"/></a></svg>',
     "animates"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>', "outside"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x.example/p#f)"/></svg>', "outside"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:\\75rl(https://x.example)}</style></svg>', "outside"),
    (b'<?xml-stylesheet href="https://x.example/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>', "stylesheet"),
    (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>', "not an <svg>"),
])
def test_an_svg_that_can_act_is_refused(svg, why):
    problem = svg_problem(svg)
    assert problem is not None and why in problem
