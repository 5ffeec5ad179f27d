"""The book: built from the stored outputs without running a cell, and checked in Chromium
offline. The check must catch a request to another host, math that did not render, a picture
without a size and a notebook missing from the table of contents."""

import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import ROOT


def run(script, *args):
    done = subprocess.run([sys.executable, ROOT / "scripts" / script, *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr, done.stdout.strip().splitlines()[-1]


def write(folder, name, *cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / name)


def good(folder):
    write(folder, "01-good.ipynb", new_markdown_cell("# Good\n\nThe update $W \\leftarrow W - \\eta \\frac{\\partial J}{\\partial W}$, and\n\n"
                                                      "$$\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}$$"),
          new_code_cell('println!("4");', outputs=[new_output("stream", name="stdout", text="4\n")], execution_count=1))


def test_a_book_of_good_notebooks_passes_and_links_each_ipynb(tmp_path):
    good(tmp_path / "nb")
    code, out, _ = run("build-book", "--notebook-dir", tmp_path / "nb", "--out", tmp_path / "book")
    assert code == 0, out
    assert (tmp_path / "book" / "notebooks" / "01-good.ipynb").read_bytes() == (tmp_path / "nb" / "01-good.ipynb").read_bytes()
    code, out, last = run("book-check", "--book", tmp_path / "book", "--notebook-dir", tmp_path / "nb", "--shots", tmp_path / "shots")
    assert code == 0, out
    assert last == "book: 2 passed, 0 failed"


def test_the_check_catches_an_outside_request_broken_math_and_a_picture_without_a_size(tmp_path):
    good(tmp_path / "nb")
    write(tmp_path / "nb", "02-bad.ipynb",
          new_markdown_cell("# Bad\n\n![a picture from elsewhere](https://example.invalid/plot.png)\n\n$$\\frac{1}{$$"),
          new_markdown_cell("An unknown command: $\\undefinedmacro x$."),
          new_code_cell("chart", execution_count=1, outputs=[new_output("display_data", data={"image/png": "bm90IGEgcG5n"})]))
    assert run("build-book", "--notebook-dir", tmp_path / "nb", "--out", tmp_path / "book")[0] == 0
    code, out, last = run("book-check", "--book", tmp_path / "book", "--notebook-dir", tmp_path / "nb", "--shots", tmp_path / "shots")
    assert code == 1, out
    assert "02-bad.html: 1 request(s) to another host, blocked: https://example.invalid/plot.png" in out
    assert "02-bad.html: math left as raw TeX ($$, \\frac{)" in out
    assert "02-bad.html: KaTeX could not render 1 formula(s), first: 'Undefined control sequence: \\\\undefinedmacro'" in out
    assert "02-bad.html: 1 of 1 picture(s) have no size" in out
    assert last == "book: 2 passed, 1 failed"


def test_the_check_catches_a_notebook_missing_from_the_table_of_contents(tmp_path):
    good(tmp_path / "nb")
    assert run("build-book", "--notebook-dir", tmp_path / "nb", "--out", tmp_path / "book")[0] == 0
    write(tmp_path / "nb", "02-later.ipynb", new_markdown_cell("# Added after the build"))
    code, out, _ = run("book-check", "--book", tmp_path / "book", "--notebook-dir", tmp_path / "nb", "--shots", tmp_path / "shots")
    assert code == 1, out
    assert "index.html: 02-later.ipynb has no entry in the table of contents" in out


def test_the_check_catches_a_page_with_fewer_pictures_than_its_notebook_stores(tmp_path):
    import base64
    import re

    from test_browser_check import png_bytes
    picture = new_output("display_data", data={"image/png": base64.b64encode(png_bytes()).decode()})
    write(tmp_path / "nb", "01-chart.ipynb", new_markdown_cell("# A chart"), new_code_cell("chart", execution_count=1, outputs=[picture]))
    assert run("build-book", "--notebook-dir", tmp_path / "nb", "--out", tmp_path / "book")[0] == 0
    page = tmp_path / "book" / "01-chart.html"
    html, dropped = re.subn(r"<img [^>]*src=\"data:image/png[^>]*>", "", page.read_text())
    assert dropped == 1
    page.write_text(html)
    code, out, _ = run("book-check", "--book", tmp_path / "book", "--notebook-dir", tmp_path / "nb", "--shots", tmp_path / "shots")
    assert code == 1, out
    assert "01-chart.html: 1 picture(s) stored in the notebook, 0 on the page" in out
