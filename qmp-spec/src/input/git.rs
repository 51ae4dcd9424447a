//! A tree at a revision of a git repository, read from git's objects with
//! `git cat-file --batch`: never the work tree, never the index.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The largest file read from a tree: QAPI files are under 1 MiB.
const MAX_FILE: u64 = 64 << 20;

/// A repository's tree at one commit.
pub struct Tree {
    /// The commit id, 40 (or 64) hex digits.
    pub commit: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

fn git(repo: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(repo)
        // Nothing may take a lock on or refresh the index.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    command
}

fn spawn_error(err: std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::NotFound {
        "git is not installed (or not on the PATH): reading DIR@REV needs it".to_string()
    } else {
        format!("cannot run git: {err}")
    }
}

impl Tree {
    /// The tree of `rev` (a commit, branch, tag or any revision git reads)
    /// in the repository at `repo`.
    pub fn open(repo: &Path, rev: &str) -> Result<Tree, String> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(format!("{rev:?} is not a revision"));
        }
        let output = git(repo)
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"))
            .stderr(Stdio::piped())
            .output()
            .map_err(spawn_error)?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr = stderr.trim();
            return Err(if stderr.is_empty() {
                format!("unknown revision {rev:?} (no such commit in the repository)")
            } else {
                format!("unknown revision {rev:?}: {stderr}")
            });
        }
        let commit = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let mut child = git(repo)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(spawn_error)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("cannot talk to git cat-file".into());
        };
        Ok(Tree {
            commit,
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// The file at `path` (relative to the tree's root), `None` when the
    /// tree has no such file.
    pub fn read(&mut self, path: &str) -> std::io::Result<Option<Vec<u8>>> {
        if path.contains('\n') {
            return Ok(None);
        }
        writeln!(self.stdin, "{}:{path}", self.commit)?;
        self.stdin.flush()?;
        let mut header = String::new();
        (&mut self.stdout).take(4096).read_line(&mut header)?;
        let header = header.trim_end();
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            return Ok(None);
        }
        let mut words = header.split(' ');
        let (Some(_id), Some(kind), Some(size)) = (words.next(), words.next(), words.next()) else {
            return Err(std::io::Error::other(format!(
                "git cat-file answered {header:?}"
            )));
        };
        let size: u64 = size
            .parse()
            .map_err(|_| std::io::Error::other(format!("git cat-file answered {header:?}")))?;
        if size > MAX_FILE {
            return Err(std::io::Error::other(format!(
                "{path} is {size} bytes, more than a schema file can be"
            )));
        }
        let mut contents = Vec::with_capacity(size as usize);
        (&mut self.stdout).take(size).read_to_end(&mut contents)?;
        let mut newline = [0u8; 1];
        self.stdout.read_exact(&mut newline)?;
        if contents.len() as u64 != size {
            return Err(std::io::Error::other("git cat-file ended early"));
        }
        // A folder (a tree object) is not a file.
        Ok((kind == "blob").then_some(contents))
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
