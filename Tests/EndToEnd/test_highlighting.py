"""Cells are highlighted: kernel_info's language_info names a CodeMirror mode JupyterLab ships and a
Pygments lexer (what nbconvert uses) that colour the language's comments, strings, numbers and
true/false/null the way LANGUAGE.md writes them."""
import pathlib
import re
import sys

import pytest
from jupyter_client.manager import start_new_kernel
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Error, Keyword, Number, String

from conftest import KERNEL_NAME, binary

binary()

# One of each thing the language writes, as LANGUAGE.md and `help language` describe it.
CELL = """# a comment on its own line
let ids = [576460752664524086, 720575940621039145]  # and one after a statement
print "say \\"hi\\"" 'it\\'s' "two\\nlines" 'C:\\\\data' 1.5 -7 1_000 8e-9
slice x=512 y=512 z=32 overlay=true alpha=0.5 segments=null
let r = {name: "DA1", "with spaces": false, 7: [1, 2]}
let here = (24899, 14436, 3739); vars | show
print 'a # inside quotes' "is # not a comment"
"""

# fragment of CELL -> the token type every character of it must have
EXPECTED = {
    "# a comment on its own line": Comment,
    "# and one after a statement": Comment,
    '"say \\"hi\\""': String,
    "'it\\'s'": String,
    '"two\\nlines"': String,
    "'C:\\\\data'": String,
    "'a # inside quotes'": String,
    '"is # not a comment"': String,
    '"with spaces"': String,
    "576460752664524086": Number,
    "720575940621039145": Number,
    "1.5": Number,
    "1_000": Number,
    "24899": Number,
    "true": Keyword.Constant,
    "false": Keyword.Constant,
    "null": Keyword.Constant,
}


@pytest.fixture(scope="module")
def language_info():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=30)
    try:
        kc.kernel_info()
        reply = kc.get_shell_msg(timeout=10)
        while reply["msg_type"] != "kernel_info_reply":
            reply = kc.get_shell_msg(timeout=10)
        yield reply["content"]["language_info"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_language_info_names_a_mode_and_a_lexer(language_info):
    assert language_info["name"] == "connectome"
    assert language_info["mimetype"] == "text/x-connectome"
    assert language_info["file_extension"] == ".cq"
    assert language_info["codemirror_mode"] == "livescript"
    assert language_info["pygments_lexer"] == "livescript"


def test_pygments_lexer_colours_what_the_language_writes(language_info):
    lexer = get_lexer_by_name(language_info["pygments_lexer"])
    tokens = list(lexer.get_tokens(CELL))
    assert "".join(value for _, value in tokens).rstrip("\n") == CELL.rstrip("\n")
    types = [kind for kind, value in tokens for _ in value]
    assert not [value for kind, value in tokens if kind in Error], "the lexer reports errors in a valid cell"
    for fragment, wanted in EXPECTED.items():
        start = CELL.index(fragment)
        got = {types[i] for i in range(start, start + len(fragment))}
        assert all(kind in wanted for kind in got), f"{fragment!r} is lexed as {got}, not {wanted}"
    # 8e-9 lexes as numbers with a '-' between (LiveScript's exponent needs a fraction); still coloured.
    start = CELL.index("8e-9")
    assert types[start] in Number and types[start + 3] in Number


def test_jupyterlab_ships_the_codemirror_mode(language_info):
    """JupyterLab resolves codemirror_mode by a language's name or alias, without case; the mode must
    be among the languages its bundle registers, or cells stay grey."""
    import jupyterlab

    static = pathlib.Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    if not static.is_dir():
        static = pathlib.Path(jupyterlab.__file__).parent / "static"
    bundles = list(static.glob("jlab_core.*.js"))
    assert bundles, f"no JupyterLab core bundle under {static}"
    core = bundles[0].read_text(encoding="utf-8", errors="replace")
    registered = set()
    for name, aliases in re.findall(r'name:"([^"]+)",displayName:[^,]+,(?:alias:\[([^\]]*)\],)?mime:', core):
        registered.add(name.lower())
        registered.update(alias.strip('"').lower() for alias in aliases.split(",") if alias)
    assert len(registered) > 50, "the language list was not found in JupyterLab's bundle"
    assert language_info["codemirror_mode"].lower() in registered


def test_nbconvert_export_is_highlighted(language_info):
    """A notebook exported to HTML (nbconvert reads language_info.pygments_lexer) has its comments,
    strings, numbers and constants in Pygments' classes, not as plain text."""
    import nbformat
    from nbconvert import HTMLExporter

    book = nbformat.v4.new_notebook()
    book.metadata["language_info"] = language_info
    book.cells = [nbformat.v4.new_code_cell('# a comment\nprint "some text" 42 true')]
    html, _ = HTMLExporter().from_notebook_node(book)
    for css, text in [("c1", "# a comment"), ("s", "\"some text\""), ("mi", "42"), ("kc", "true")]:
        assert re.search(rf'<span class="{css}">[^<]*{re.escape(text)}', html), f"{text!r} is not in <span class={css}>"
