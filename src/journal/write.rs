//! Appending to the journal: one write under an exclusive lock, then fsync, before the record is
//! reported; one thread commits whatever is waiting together.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;

use tokio::sync::oneshot;

use super::record::{Line, Record, FORMAT_VERSION};
use crate::exit::{Exit, Failure};

struct WriteRequest {
    line: Vec<u8>,
    done: oneshot::Sender<io::Result<()>>,
}

/// An open journal. Cloning shares the one writer thread.
#[derive(Clone)]
pub(crate) struct Journal {
    path: PathBuf,
    sender: std_mpsc::Sender<WriteRequest>,
}

impl Journal {
    /// Opens (creating it and its directory if needed) the journal at `path`.
    pub(crate) fn open(path: &Path) -> Result<Journal, Failure> {
        let cannot = |e: io::Error| {
            Failure::new(
                Exit::Config,
                format!("cannot open the call journal {}: {e}", path.display()),
            )
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(cannot)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(cannot)?;
        let (sender, receiver) = std_mpsc::channel();
        std::thread::Builder::new()
            .name("chimecall-journal".into())
            .spawn(move || write_loop(file, receiver))
            .map_err(cannot)?;
        Ok(Journal {
            path: path.to_path_buf(),
            sender,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record; returns once it is on disk (fsynced).
    pub(crate) async fn append(&self, record: Record) -> Result<(), Failure> {
        let line = Line {
            v: FORMAT_VERSION,
            time: chimecall_model::clock::now_rfc3339_ms(),
            record,
        };
        let mut bytes = serde_json::to_vec(&line).map_err(|e| {
            Failure::new(
                Exit::Failure,
                format!("cannot encode a journal record: {e}"),
            )
        })?;
        bytes.push(b'\n');
        let (done, written) = oneshot::channel();
        let failed = |e: String| {
            Failure::new(
                Exit::Config,
                format!("cannot write the call journal {}: {e}", self.path.display()),
            )
        };
        self.sender
            .send(WriteRequest { line: bytes, done })
            .map_err(|_| failed("its writer stopped".into()))?;
        match written.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(failed(e.to_string())),
            Err(_) => Err(failed("its writer stopped".into())),
        }
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// The writer thread: takes everything waiting, writes it as one block under the lock, fsyncs,
/// then acknowledges each record.
fn write_loop(mut file: File, receiver: std_mpsc::Receiver<WriteRequest>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while let Ok(more) = receiver.try_recv() {
            batch.push(more);
            if batch.len() >= 4096 {
                break;
            }
        }
        let mut block = Vec::with_capacity(batch.iter().map(|r| r.line.len()).sum::<usize>() + 1);
        for request in &batch {
            block.extend_from_slice(&request.line);
        }
        let result = commit(&mut file, &block);
        for request in batch {
            let _ = request.done.send(match &result {
                Ok(()) => Ok(()),
                Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
            });
        }
    }
}

fn commit(file: &mut File, block: &[u8]) -> io::Result<()> {
    file.lock()?;
    let result = (|| {
        // A torn last line (a crash mid-write, in any process) must not swallow our first record.
        if !ends_with_newline(file)? {
            file.write_all(b"\n")?;
        }
        file.write_all(block)?;
        file.sync_data()
    })();
    let unlocked = file.unlock();
    result.and(unlocked)
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    let length = file.metadata()?.len();
    if length == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::Start(length - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}
