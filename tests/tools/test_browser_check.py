"""scripts/browser-check fails, naming the notebook and the cell, when a cell panics in
JupyterLab."""

import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import ROOT


def test_a_panicking_cell_fails_the_browser_check(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# a panic"), new_code_cell('let a = 1 + 1;\nprintln!("a = {a}");'),
                             new_code_cell("let v: Vec<i32> = Vec::new(); v[3];")])
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    nbformat.write(nb, tmp_path / "panic.ipynb")
    done = subprocess.run([sys.executable, ROOT / "scripts" / "browser-check", "--notebook-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "panic.ipynb: cell 3 ('let v: Vec<i32> = Vec::new(); v[3];') panicked:" in out
    assert "index out of bounds" in out
    assert done.stdout.strip().splitlines()[-1] == "browser: 0 passed, 1 failed"


def png_bytes(width=40, height=20):
    """A small grey PNG, written by hand (zlib and struct): no image library needed."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def picture_notebook(folder, name, with_png, png_scale=2, sized=True):
    """A notebook with one stored picture of 40 x 20: an SVG, and with `with_png` a PNG of
    `png_scale` times its pixels beside it, given the SVG's size to show at when `sized` (as
    scripts/check-notebooks --write stores it)."""
    import base64
    svg = '<svg width="40" height="20" xmlns="http://www.w3.org/2000/svg"><rect width="40" height="20" fill="grey"/></svg>'
    data = {"image/svg+xml": svg}
    metadata = {}
    if with_png:
        data["image/png"] = base64.b64encode(png_bytes(40 * png_scale, 20 * png_scale)).decode()
        if sized:
            metadata["image/png"] = {"width": 40, "height": 20}
    out = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    cell = new_code_cell("chart", outputs=[out], execution_count=1)
    nb = new_notebook(cells=[new_markdown_cell("# a picture"), cell])
    nb.metadata.kernelspec = {"name": "rust", "display_name": "Rust", "language": "rust"}
    folder.mkdir()
    nbformat.write(nb, folder / name)


def as_cloned(folder):
    done = subprocess.run([sys.executable, ROOT / "scripts" / "browser-check", "--as-cloned", "--notebook-dir", str(folder)],
                          capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr, done.stdout.strip().splitlines()[-1]


def test_a_picture_stored_as_svg_only_fails_the_check_of_the_notebook_as_cloned(tmp_path):
    picture_notebook(tmp_path / "svg", "svg-only.ipynb", with_png=False)
    code, out, last = as_cloned(tmp_path / "svg")
    assert code == 1, out
    assert "svg-only.ipynb: cell 2 ('chart'): 1 stored picture(s), 0 visible" in out
    assert last == "browser: 0 passed, 1 failed"


def test_a_picture_with_a_png_beside_its_svg_shows_in_the_notebook_as_cloned(tmp_path):
    picture_notebook(tmp_path / "png", "with-png.ipynb", with_png=True)
    code, out, last = as_cloned(tmp_path / "png")
    assert code == 0, out
    assert last == "browser: 1 passed, 0 failed"


def test_a_png_shown_larger_than_its_svg_or_from_too_few_pixels_fails_the_check_as_cloned(tmp_path):
    # twice the pixels but no display size stored: the PNG shows twice as large as the SVG
    picture_notebook(tmp_path / "unsized", "unsized.ipynb", with_png=True, sized=False)
    code, out, _ = as_cloned(tmp_path / "unsized")
    assert code == 1, out
    assert "unsized.ipynb: cell 2 ('chart'): a picture shows 80 px wide, its SVG is 40" in out
    # the size stored, but the PNG has only the SVG's pixels: blurred on a high-density screen
    picture_notebook(tmp_path / "coarse", "coarse.ipynb", with_png=True, png_scale=1)
    code, out, _ = as_cloned(tmp_path / "coarse")
    assert code == 1, out
    assert "coarse.ipynb: cell 2 ('chart'): a picture shows 40 px wide from a PNG of 40 px" in out
