//! A deliberately broken HTTP endpoint for the cases the sandbox does not play: it counts every
//! request it receives and answers each in one fixed way (a status, or no answer at all).
//! With it, tests prove how often chimecall sent a request, including zero times.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy)]
pub enum Behaviour {
    /// Read the request, then close the connection without a byte of answer.
    DropAfterRequest,
    /// Answer with this status and an AWS-style error of this type.
    Error(u16, &'static str),
}

pub struct FakeEndpoint {
    pub url: String,
    requests: Arc<AtomicUsize>,
    creates: Arc<AtomicUsize>,
}

impl FakeEndpoint {
    pub fn start(behaviour: Behaviour) -> FakeEndpoint {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake endpoint");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let creates = Arc::new(AtomicUsize::new(0));
        let (counter, create_counter) = (Arc::clone(&requests), Arc::clone(&creates));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counter = Arc::clone(&counter);
                let create_counter = Arc::clone(&create_counter);
                std::thread::spawn(move || serve(stream, behaviour, &counter, &create_counter));
            }
        });
        FakeEndpoint {
            url,
            requests,
            creates,
        }
    }

    /// Requests fully received so far (of any operation).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// CreateSipMediaApplicationCall requests (`POST .../calls`) received so far.
    pub fn creates(&self) -> usize {
        self.creates.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, behaviour: Behaviour, counter: &AtomicUsize, creates: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    loop {
        // One request: head lines, then Content-Length bytes of body.
        let mut content_length = 0usize;
        let mut first = true;
        let mut is_create = false;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if first && line.trim().is_empty() {
                continue;
            }
            if first {
                let mut parts = line.split_whitespace();
                is_create = parts.next() == Some("POST")
                    && parts.next().is_some_and(|path| path.ends_with("/calls"));
            }
            first = false;
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        counter.fetch_add(1, Ordering::SeqCst);
        if is_create {
            creates.fetch_add(1, Ordering::SeqCst);
        }
        match behaviour {
            Behaviour::DropAfterRequest => return,
            Behaviour::Error(status, error_type) => {
                let body = format!(r#"{{"Code":"{error_type}","Message":"fake endpoint"}}"#);
                let answer = format!(
                    "HTTP/1.1 {status} Fake\r\nContent-Type: application/json\r\n\
                     x-amzn-ErrorType: {error_type}\r\nx-amzn-RequestId: fake-request-id\r\n\
                     Content-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if reader.get_mut().write_all(answer.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
}
