//! Files: read whole, and written atomically, so that nothing a user saved is lost to a save
//! that is interrupted half way.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// A file's text, and its name for error messages.
pub(crate) fn read_text(path: &Path) -> Result<(String, String)> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { file: path.to_path_buf(), source })?;
    Ok((text, path.display().to_string()))
}

/// Writes `bytes` to `path` atomically (see [`write_atomically`]).
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |file| file.write_all(bytes))
}

/// Writes through `write` into a temporary file beside `path`, flushed to disk, then renames
/// it into place; on any failure the temporary file is removed and `path` is left as it was.
pub(crate) fn write_atomically(path: &Path, write: impl FnOnce(&mut File) -> std::io::Result<()>) -> Result<()> {
    let io = |source| Error::Io { file: path.to_path_buf(), source };
    let name = path.file_name().ok_or_else(|| io(std::io::Error::other("expected a file name, got a folder")))?;
    let tmp = path.with_file_name(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = File::create(&tmp).and_then(|mut file| {
        write(&mut file)?;
        file.sync_all()
    });
    let result = result.and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Makes the folder `dir` and its parents where missing.
pub(crate) fn make_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io { file: dir.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_save_leaves_the_previous_file_whole() {
        let dir = std::env::temp_dir().join(format!("backprop-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("net.json");
        write(&path, b"{\"the\": \"previous file\"}\n").unwrap();
        let before = std::fs::read(&path).unwrap();
        // a write that fails half way, as a full disk or a killed process would leave it
        let err = write_atomically(&path, |file| {
            file.write_all(&before[..before.len() / 2])?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("net.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
