//! Every kind of picture the crate draws, written as SVG and PNG side by side: the diagram of a
//! worked step in each view (and with a weight's paths highlighted) and a loss chart on a log
//! axis. `tests/tools/test_pictures_read.py` reads them as a person would.
//!
//! ```text
//! cargo run --release --example pictures -- OUT_DIR [VALUES.json]
//! ```

use std::path::PathBuf;

use backprop::show::View;
use backprop::{train, Chart, Training, Values};

fn main() -> backprop::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: pictures OUT_DIR [VALUES.json]"));
    let values = match args.next() {
        Some(path) => Values::load(path)?,
        None => Values::chapter(),
    };
    std::fs::create_dir_all(&out).map_err(|source| backprop::Error::Io { file: out.clone(), source })?;
    let step = values.step()?;
    let views = [("forward", View::Forward), ("backward", View::Backward), ("update", View::Update)];
    for (name, view) in views {
        let picture = step.diagram(view).picture()?;
        picture.save(out.join(format!("diagram-{name}.svg")))?;
        picture.save(out.join(format!("diagram-{name}.png")))?;
    }
    let highlighted = step.diagram(View::Backward).highlight("W1[1,0]")?.picture()?;
    highlighted.save(out.join("diagram-highlight.svg"))?;
    highlighted.save(out.join("diagram-highlight.png"))?;
    let mut net = values.network()?;
    let history = train(&mut net, values.x(), values.y(), &Training::full_batch(2000, 0.5))?;
    let chart = Chart::losses("Loss over 2000 epochs, learning rate 0.5", &history.losses).log_y();
    chart.save(out.join("loss.svg"))?;
    chart.save(out.join("loss.png"))?;
    println!("wrote {}", out.display());
    Ok(())
}
