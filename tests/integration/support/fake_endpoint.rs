//! A deliberately broken HTTP endpoint for the cases the sandbox does not play: it counts every
//! request it receives and answers each in one fixed way (a status, or no answer at all).
//! With it, tests prove how often chimecall sent a request, including zero times.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::fake_http::{self, Response};

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
        let requests = Arc::new(AtomicUsize::new(0));
        let creates = Arc::new(AtomicUsize::new(0));
        let (counter, create_counter) = (Arc::clone(&requests), Arc::clone(&creates));
        let url = fake_http::serve(move |request| {
            counter.fetch_add(1, Ordering::SeqCst);
            if request.method == "POST" && request.path.ends_with("/calls") {
                create_counter.fetch_add(1, Ordering::SeqCst);
            }
            match behaviour {
                Behaviour::DropAfterRequest => None,
                Behaviour::Error(status, error_type) => Some(
                    Response::json(
                        status,
                        format!(r#"{{"Code":"{error_type}","Message":"fake endpoint"}}"#),
                    )
                    .header("x-amzn-ErrorType", error_type)
                    .header("x-amzn-RequestId", "fake-request-id"),
                ),
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
