//! Every picture is drawn once, as SVG, and comes with a PNG rasterized from that SVG at twice
//! its pixels, whose text is drawn from the crate's own font: a notebook opened untrusted
//! (JupyterLab hides its stored SVG) shows the PNG.

use backprop::ndarray::{array, Array2};
use backprop::show::decision_boundary;
use backprop::{datasets, Activation, Chart, Init, Loss, Network, Picture};
use base64::Engine;

/// Pixels of the PNG per unit of the SVG.
const SCALE: u32 = 2;

/// The PNG's pixels as RGB rows, with its width and height; every pixel is opaque (a picture
/// is drawn on white).
fn decode(png: &[u8]) -> (Vec<u8>, u32, u32) {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("a PNG");
    let rgba = pixmap.data();
    assert!(rgba.chunks(4).all(|p| p[3] == 255), "a pixel is not opaque");
    let rgb = rgba.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    (rgb, pixmap.width(), pixmap.height())
}

/// How many pixels in rows `rows` are dark (text and lines; the background is white).
fn dark_pixels(rgb: &[u8], width: u32, rows: std::ops::Range<u32>) -> usize {
    let row = width as usize * 3;
    rgb[rows.start as usize * row..rows.end as usize * row]
        .chunks(3)
        .filter(|p| p.iter().map(|&c| c as u32).sum::<u32>() < 3 * 100)
        .count()
}

fn chart() -> Chart {
    Chart::new("Learning rates").series("eta = 0.1", &[0.5, 0.4, 0.3]).series("eta = 1", &[0.5, 0.1, 0.05]).log_y()
}

#[test]
fn a_chart_is_a_png_of_its_size_with_its_title_drawn_in_the_crates_font() {
    let picture = chart().size(500, 300).picture().unwrap();
    let (rgb, width, height) = decode(picture.png());
    assert_eq!((width, height), (500 * SCALE, 300 * SCALE));
    // the caption sits in the top 40 units, above the plotting area: dark pixels there are text
    let title = dark_pixels(&rgb, width, 0..40 * SCALE);
    assert!(title > 200 * SCALE as usize, "the title drew {title} dark pixels");
    // the same chart without a title draws none there, so the count above is the title's
    let (untitled, _, _) = decode(Chart::new("").series("x", &[0.5, 0.4]).size(500, 300).picture().unwrap().png());
    assert_eq!(dark_pixels(&untitled, width, 0..12 * SCALE), 0);
}

#[test]
fn the_svg_and_the_png_are_one_drawing() {
    let picture = chart().picture().unwrap();
    assert!(picture.svg().starts_with("<svg") && picture.svg().contains("eta = 0.1"));
    assert_eq!(chart().to_svg().unwrap(), picture.svg());
    assert_eq!(decode(picture.png()).1, 640 * SCALE);
}

#[test]
fn a_notebook_gets_the_svg_and_the_png_in_one_output() {
    let picture = chart().picture().unwrap();
    let content = picture.evcxr_content();
    let blocks: Vec<&str> = content.split("EVCXR_BEGIN_CONTENT ").skip(1).collect();
    assert_eq!(blocks.len(), 2, "{content:.200}");
    assert!(blocks[0].starts_with("image/svg+xml\n<svg") && blocks[0].trim_end().ends_with("EVCXR_END_CONTENT"));
    let png = blocks[1].strip_prefix("image/png\n").unwrap().trim_end().strip_suffix("EVCXR_END_CONTENT").unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(png.trim_end()).unwrap();
    assert_eq!(bytes, picture.png());
}

#[test]
fn a_decision_boundary_is_a_png_too() {
    let (x, y) = datasets::two_moons(40, 0.1, 3);
    let net =
        Network::init(&[2, 4, 1], &[Activation::Tanh, Activation::Sigmoid], Loss::BinaryCrossEntropy, Init::Xavier, 3)
            .unwrap();
    let picture = decision_boundary(&net, &x, &y, "Before training").unwrap();
    let (rgb, width, height) = decode(picture.png());
    assert_eq!((width, height), (520 * SCALE, 480 * SCALE));
    assert!(dark_pixels(&rgb, width, 0..35 * SCALE) > 100, "no title");
    // the grid is shaded, so most pixels are neither white nor dark
    let shaded = rgb.chunks(3).filter(|p| p.iter().any(|&c| c < 250) && p.iter().all(|&c| c > 100)).count();
    assert!(shaded > (width * height / 2) as usize, "{shaded} shaded pixels");
    let wrong: Array2<f64> = array![[1.0, 2.0, 3.0]];
    let err = decision_boundary(&net, &wrong, &array![[1.0]], "x").unwrap_err().to_string();
    assert!(err.contains("expected x (m, 2) and y (m, 1)"), "{err}");
}

#[test]
fn a_picture_saves_as_png_or_svg_by_its_name_and_refuses_other_names() {
    let dir = std::env::temp_dir().join(format!("backprop-pictures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let picture: Picture = chart().picture().unwrap();
    picture.save(dir.join("loss.png")).unwrap();
    picture.save(dir.join("loss.SVG")).unwrap();
    assert_eq!(std::fs::read(dir.join("loss.png")).unwrap(), picture.png());
    assert_eq!(std::fs::read_to_string(dir.join("loss.SVG")).unwrap(), picture.svg());
    let err = picture.save(dir.join("loss.jpg")).unwrap_err().to_string();
    assert!(err.contains("loss.jpg") && err.contains("expected a name ending in .svg or .png"), "{err}");
    // a chart saved straight to a file draws only the format its name asks for, the same bytes
    chart().save(dir.join("chart.png")).unwrap();
    assert_eq!(std::fs::read(dir.join("chart.png")).unwrap(), picture.png());
    chart().save(dir.join("chart.svg")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("chart.svg")).unwrap(), picture.svg());
    let err = chart().save(dir.join("chart.pdf")).unwrap_err().to_string();
    assert!(err.contains("expected a name ending in .svg or .png"), "{err}");
    let err = picture.save(dir.join("no-such-folder").join("loss.png")).unwrap_err().to_string();
    assert!(err.contains("no-such-folder"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Every text of an SVG with where it is drawn, as (x, y, text).
fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let attr = |name: &str| t.split(&format!(" {name}=\"")).nth(1)?.split('"').next()?.parse::<f64>().ok();
            Some((attr("x")?, attr("y")?, t.split('>').nth(1)?.split('<').next()?.trim().to_string()))
        })
        .collect()
}

/// The y labels of a chart's SVG, top to bottom (the texts left of the plotting area).
fn y_labels(chart: Chart) -> Vec<String> {
    let mut labels: Vec<(f64, f64, String)> = texts(&chart.to_svg().unwrap())
        .into_iter()
        .filter(|(x, y, text)| *x < 80.0 && *y > 30.0 && !text.contains("loss"))
        .collect();
    labels.sort_by(|a, b| a.1.total_cmp(&b.1));
    labels.into_iter().map(|(_, _, text)| text).collect()
}

#[test]
fn a_log_axis_is_labelled_all_the_way_down() {
    // a loss trained long enough falls below 1e-16, where plotters' own log axis stops
    // labelling: 0.6 to 1e-31 is labelled every third decade to the bottom
    let falling: Vec<f64> = (0..=30).map(|e| 0.6 * 10f64.powi(-e)).collect();
    let labels = y_labels(Chart::losses("long", &falling).log_y());
    let every_third: Vec<String> = (1..=10).map(|k| format!("1e-{}", 3 * k)).collect();
    assert_eq!(labels, every_third);
    // within a decade: at the digits; within a few percent: at evenly spaced values
    assert_eq!(y_labels(Chart::losses("short", &[0.6, 0.3, 0.12]).log_y()), ["6e-1", "5e-1", "4e-1", "3e-1", "2e-1"]);
    let flat = y_labels(Chart::losses("flat", &[0.26, 0.255, 0.252]).log_y());
    assert_eq!(flat, ["0.28", "0.27", "0.26", "0.25", "0.24", "0.23"]);
    // from the largest float to the smallest: every 100 decades
    let widest = y_labels(Chart::losses("widest", &[f64::MAX, 5e-324]).log_y());
    assert_eq!(widest, ["1e300", "1e200", "1e100", "1e0", "1e-100", "1e-200", "1e-300"]);
}

/// Where a text of the chart's SVG is drawn, as (x, y).
fn text_at(svg: &str, text: &str) -> (f64, f64) {
    texts(svg).into_iter().find(|(_, _, t)| t.starts_with(text)).map(|(x, y, _)| (x, y)).expect(text)
}

#[test]
fn the_legend_goes_where_it_hides_the_least_of_the_lines() {
    let falling = |scale: f64| (0..5000).map(|e| 0.6 * (-(e as f64) / scale).exp()).collect::<Vec<f64>>();
    // one line falling fast leaves the upper right empty: the legend sits there
    let svg = Chart::new("fast").series("quick", &falling(150.0)).log_y().to_svg().unwrap();
    let (x, y) = text_at(&svg, "quick");
    assert!(x > 320.0 && y < 200.0, "legend at {x}, {y}");
    // a line that stays high runs through the upper right, and a fast one through the left:
    // the lower left is free
    let chart = Chart::new("three").series("slow", &falling(3000.0)).series("fast", &falling(30.0)).log_y();
    let (x, y) = text_at(&chart.to_svg().unwrap(), "slow");
    assert!(x < 320.0 && y > 200.0, "legend at {x}, {y}");
}
