//! Teaching: a learner's answers checked against a worked step, with the mistake named;
//! answers files marked; worksheets with their keys. At the top, with the faces: it reads the
//! model and writes with `show`.

mod diagnosis;
mod exercise;
mod marking;
mod worksheet;

pub use exercise::{hint, Diagnosis, Feedback, Graded, Reader, TOLERANCE};
pub use marking::{mark, mark_printed, Marks};
pub use worksheet::{worksheets, write_worksheets, Worksheet, LARGEST_Z};
