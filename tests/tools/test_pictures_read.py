"""Every picture's PNG reads as its SVG does, as a person would read them: the crate's PNG and
Chromium's rendering of the SVG at the same size are both read by OCR (tesseract, from
Debian), and the PNG must read at least as many of the SVG's labels right; and the two must
agree pixel for pixel within a stated tolerance (text is anti-aliased a little differently).

The pictures are the diagram of a 2-3-4-2 network in every view, with a weight's paths
highlighted, and a loss chart on a log axis (examples/pictures.rs)."""

import base64
import html
import re
import shutil
import subprocess

import pytest

from helpers import FIXTURES, ROOT

sys_path = __import__("sys").path
sys_path.insert(0, str(ROOT / "scripts"))
from notebook_tools import CHROMIUM, CHROMIUM_FLAGS, PNG, SVG, SVG_SIZE, outputs_with, text  # noqa: E402

PICTURES = ["diagram-forward", "diagram-backward", "diagram-update", "diagram-highlight", "loss"]
# the largest mean difference per channel (of 255) between the crate's PNG and Chromium's
# rendering of the SVG, and the largest share of pixels that differ by more than a quarter (the
# PNGs that plotters' bitmap backend drew beside the SVG differed by 4.8 to 9.1, and 2.7 to 3.9%;
# resvg's by 0.65 to 1.09, and 0.1 to 0.6%)
MEAN_DIFFERENCE = 2.0
FAR_PIXELS = 0.01
# OCR reads small text best a few times larger than a screen shows it: both images are scaled
# alike, to this many pixels per unit of the SVG
SCALES = (3, 4, 5)
# a pixel is ink, for OCR, when it is grey (its channels differ by less than GREY) and none of
# its channels is as light as INK: text is black or grey, lines are blue, red or a light grey
INK = 200
GREY = 48

needs = pytest.mark.skipif(shutil.which("tesseract") is None or not CHROMIUM.exists(),
                           reason="needs tesseract-ocr and Chromium (make setup installs both)")


def labels(svg):
    """The texts of an SVG, as plotters writes them."""
    return [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.strip()]


# what OCR mistakes one for another on any rendering, read as one: the J of dJ/dW as j (so case
# goes), 1 as l or I or |; never punctuation, whose misreading is what this test is for
ALIKE = str.maketrans({"l": "1", "|": "1"})


def tokens(text):
    """What OCR can be held to: runs of letters, digits and the punctuation of indices and
    numbers (a minus sign before a digit too), split at spaces and at what OCR cannot read
    (Greek, arrows), with letters OCR mistakes read as one (ALIKE)."""
    return re.findall(r"-?[a-z0-9.,:;\[\]()=_/+]+", text.lower().translate(ALIKE))


def read_right(svg_labels, ocr_texts):
    """How many labels OCR read right, of those with something to read: a label is read right
    when every one of its tokens is among those of one of the texts (OCR's readings of one
    picture at several sizes)."""
    reads = [set(tokens(text)) for text in ocr_texts]
    wanted = [tokens(l) for l in svg_labels if sum(map(len, tokens(l))) >= 3]
    return sum(1 for t in wanted if any(all(w in read for w in t) for read in reads)), len(wanted)


def ocr(png):
    done = subprocess.run(["tesseract", str(png), "stdout", "--psm", "11"], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def pictures(tmp, values=FIXTURES / "pictures" / "2-3-4-2.json"):
    subprocess.run(["cargo", "run", "-q", "--release", "--example", "pictures", "--", str(tmp), str(values)],
                   cwd=ROOT, check=True, capture_output=True)
    return tmp


def size_of(svg):
    m = re.search(r'<svg[^>]*width="(\d+)"[^>]*height="(\d+)"', svg)
    return int(m.group(1)), int(m.group(2))


def png_size(png):
    """The width and height of a PNG file, from its header."""
    data = png.read_bytes()
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def chromium_png(browser, svg_path, out, density):
    """The SVG as Chromium draws it, at its own size on a screen of `density` pixels per unit."""
    width, height = size_of(svg_path.read_text())
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=density)
    page.goto(svg_path.as_uri())
    page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": width, "height": height})
    page.close()
    return out


def data_uri(png):
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()


SCALED_JS = """async ([src, width, height, scale]) => {
  const image = await new Promise((ok, no) => { const i = new Image(); i.onload = () => ok(i); i.onerror = no; i.src = src; });
  const canvas = document.createElement('canvas');
  canvas.width = width * scale; canvas.height = height * scale;
  const g = canvas.getContext('2d');
  g.imageSmoothingQuality = 'high';
  g.drawImage(image, 0, 0, canvas.width, canvas.height);
  const pixels = g.getImageData(0, 0, canvas.width, canvas.height);
  const p = pixels.data;
  for (let k = 0; k < p.length; k += 4) {
    const hi = Math.max(p[k], p[k + 1], p[k + 2]), lo = Math.min(p[k], p[k + 1], p[k + 2]);
    const ink = hi < INK && hi - lo < GREY ? 0 : 255;
    p[k] = p[k + 1] = p[k + 2] = ink; p[k + 3] = 255;
  }
  g.putImageData(pixels, 0, 0);
  return canvas.toDataURL('image/png');
}"""


def scaled(browser, png, out, size, scale):
    """The PNG drawn `scale` times larger (smoothly) and in black and white, its text kept and the
    lines (blue, red, light grey) dropped: what OCR reads best."""
    width, height = size
    page = browser.new_page()
    uri = page.evaluate(SCALED_JS.replace("INK", str(INK)).replace("GREY", str(GREY)), [data_uri(png), width, height, scale])
    page.close()
    out.write_bytes(base64.b64decode(uri.split(",", 1)[1]))
    return out


COMPARE_JS = """async ([a, b]) => {
  const load = src => new Promise((ok, no) => { const i = new Image(); i.onload = () => ok(i); i.onerror = no; i.src = src; });
  const [x, y] = await Promise.all([load(a), load(b)]);
  const pixels = i => { const c = document.createElement('canvas'); c.width = i.width; c.height = i.height;
    const g = c.getContext('2d'); g.drawImage(i, 0, 0); return g.getImageData(0, 0, i.width, i.height).data; };
  if (x.width !== y.width || x.height !== y.height) return {size: [x.width, x.height, y.width, y.height]};
  const p = pixels(x), q = pixels(y);
  let sum = 0, far = 0;
  for (let k = 0; k < p.length; k += 4) {
    let d = 0;
    for (let c = 0; c < 3; c++) { const e = Math.abs(p[k + c] - q[k + c]); sum += e; d = Math.max(d, e); }
    if (d > 64) far++;
  }
  return {mean: sum / (p.length / 4 * 3), far: far / (p.length / 4)};
}"""


def compare(browser, a, b):
    """The mean difference per channel and the share of far pixels between two PNG files."""
    page = browser.new_page()
    result = page.evaluate(COMPARE_JS, [data_uri(a), data_uri(b)])
    page.close()
    return result


def readings(browser, folder):
    """For each picture: (labels the crate's PNG reads right, labels Chromium's rendering reads
    right, labels there are, the pixel comparison)."""
    out = {}
    for name in PICTURES:
        svg = folder / f"{name}.svg"
        size = size_of(svg.read_text())
        ours = folder / f"{name}.png"
        density = png_size(ours)[0] / size[0]
        assert density == int(density) and png_size(ours)[1] == size[1] * density, f"{name}.png is not the SVG's size"
        theirs = chromium_png(browser, svg, folder / f"{name}.chromium.png", int(density))
        texts = labels(svg.read_text())
        ours_read, total = read_right(texts, [ocr(scaled(browser, ours, folder / f"{name}.ours-x{s}.png", size, s)) for s in SCALES])
        theirs_read, _ = read_right(texts, [ocr(scaled(browser, theirs, folder / f"{name}.chromium-x{s}.png", size, s)) for s in SCALES])
        out[name] = (ours_read, theirs_read, total, compare(browser, ours, theirs))
    return out


@needs
def test_every_png_reads_as_chromium_reads_its_svg(browser, tmp_path):
    found = readings(browser, pictures(tmp_path))
    report = "\n".join(f"{n}: PNG reads {o} of {t} labels right, Chromium's SVG {c}; pixels {p}" for n, (o, c, t, p) in found.items())
    for name, (ours, theirs, total, pixels) in found.items():
        assert ours >= theirs, report
        assert theirs >= total // 2, f"OCR reads too little to tell anything:\n{report}"
        assert pixels.get("mean", 255) <= MEAN_DIFFERENCE and pixels["far"] <= FAR_PIXELS, report


def test_the_labels_are_read_out_of_the_svg():
    svg = '<svg width="10" height="10"><text x="1" y="2">W1[0,0]: 0.4 &#8594; 0.3984</text><text>layer 3: output, sigmoid</text></svg>'
    assert labels(svg) == ["W1[0,0]: 0.4 → 0.3984", "layer 3: output, sigmoid"]
    # a comma read as a period is a label read wrong
    assert read_right(labels(svg), ["W1[0.0} 0.4 0.3984\nlayer 3: output. sigmoid"]) == (0, 2)
    assert read_right(labels(svg), ["W1[0,0]: 0.4 -> 0.3984\nlayer 3: output, sigmoid"]) == (2, 2)
    # either reading may hold a label right; J and j, 1 and l are one
    assert read_right(labels(svg), ["wl[0,0]: 0.4 -> 0.3984", "layer 3: output, sigmoid"]) == (2, 2)


def test_every_stored_png_has_twice_its_svgs_pixels_and_the_svgs_size_to_show_at():
    import nbformat

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    seen = 0
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            for out in outputs_with(cell, SVG):
                where = f"{path.name}: a picture of cell {cell.source.splitlines()[0]!r}"
                width, height = map(int, SVG_SIZE.search(text(out["data"][SVG])).groups())
                assert out.get("metadata", {}).get(PNG) == {"width": width, "height": height}, \
                    f"{where}: the PNG has no display size (scripts/check-notebooks --write stores it)"
                header = base64.b64decode(text(out["data"][PNG])[:44])
                pixels = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
                assert pixels == (2 * width, 2 * height), f"{where}: PNG of {pixels}, SVG of {(width, height)}"
                seen += 1
    assert seen >= 10, f"only {seen} pictures stored in {len(notebooks)} notebooks"
