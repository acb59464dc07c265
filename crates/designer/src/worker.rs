//! The preview's Web Worker, both ends. The page ([`PreviewWorker`]) starts it, has it load the
//! partners and facts, and asks for a draft's figures on every valid edit; the worker
//! ([`serve`], run by `src/bin/preview-worker.rs`) holds the [`Engine`] and answers. The page's
//! thread never evaluates, so typing stays smooth whatever the partner base's size.
//!
//! Messages are arrays: a JSON header first (an [`engine::Load`] or [`engine::Ask`] going in, an
//! [`engine::Reply`] coming out), then any file texts, sent as they are so the page never copies
//! them into JSON. The page keeps at most one question in flight and, while one is, only the
//! latest of the questions that arrive: the answer shown is always the newest draft's.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use futures::channel::oneshot;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::engine::{Ask, Engine, Load, Loaded, Reply, Summary};

/// Where trunk puts the worker's loader (`data-loader-shim` in index.html).
const SCRIPT: &str = "preview-worker_loader.js";

/// A message to the worker.
#[derive(Serialize, Deserialize)]
enum ToWorker {
    Load(Load),
    Ask(Ask),
}

fn message(header: &impl Serialize, texts: &[String]) -> js_sys::Array {
    let out = js_sys::Array::new();
    out.push(&JsValue::from_str(&serde_json::to_string(header).unwrap_or_default()));
    for t in texts {
        out.push(&JsValue::from_str(t));
    }
    out
}

/// The page's handle on the worker; the worker stops when the last handle is dropped.
#[derive(Clone)]
pub struct PreviewWorker(Rc<Inner>);

struct Inner {
    worker: web_sys::Worker,
    /// Messages wait here until the worker says it is ready (earlier ones would be lost).
    ready: Cell<bool>,
    waiting: RefCell<Vec<js_sys::Array>>,
    /// A question is being answered; `next` is the latest one asked meanwhile.
    busy: Cell<bool>,
    next: RefCell<Option<Ask>>,
    loaded: RefCell<Option<oneshot::Sender<Result<Loaded, ApiError>>>>,
    on_summary: RefCell<Option<Box<dyn Fn(Summary)>>>,
    _listener: RefCell<Option<Closure<dyn FnMut(web_sys::MessageEvent)>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl PreviewWorker {
    /// Start a worker and have it load the partners and facts (`texts`: the files' texts, for
    /// [`Load::Files`]). Resolves once they are indexed and the published version evaluated.
    pub async fn start(load: Load, texts: Vec<String>) -> Result<(PreviewWorker, Loaded), ApiError> {
        let failed = |e: JsValue| ApiError::local("worker_failed", format!("{e:?}"));
        let options = web_sys::WorkerOptions::new();
        options.set_name("mitra-preview");
        let url = format!("{}/{SCRIPT}", crate::BASE);
        let worker = web_sys::Worker::new_with_options(&url, &options).map_err(failed)?;
        let (tx, rx) = oneshot::channel();
        let inner = Rc::new(Inner {
            worker,
            ready: Cell::new(false),
            waiting: RefCell::new(vec![message(&ToWorker::Load(load), &texts)]),
            busy: Cell::new(false),
            next: RefCell::new(None),
            loaded: RefCell::new(Some(tx)),
            on_summary: RefCell::new(None),
            _listener: RefCell::new(None),
        });
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.receive(ev.data().as_string().unwrap_or_default());
            }
        });
        inner.worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        *inner._listener.borrow_mut() = Some(listener);
        let loaded = rx.await.map_err(|_| ApiError::local("worker_failed", "The preview stopped while loading."))??;
        Ok((PreviewWorker(inner), loaded))
    }

    /// Have the worker compute `ask`: at once when it is idle, else after the current answer
    /// (replacing any question still waiting).
    pub fn ask(&self, ask: Ask) {
        if self.0.busy.get() {
            *self.0.next.borrow_mut() = Some(ask);
        } else {
            self.0.busy.set(true);
            self.0.send(message(&ToWorker::Ask(ask), &[]));
        }
    }

    /// What to do with each answer.
    pub fn on_summary(&self, f: impl Fn(Summary) + 'static) {
        *self.0.on_summary.borrow_mut() = Some(Box::new(f));
    }

    /// A question is being answered or waits.
    pub fn busy(&self) -> bool {
        self.0.busy.get()
    }
}

impl Inner {
    fn send(&self, msg: js_sys::Array) {
        if self.ready.get() {
            let _ = self.worker.post_message(&msg);
        } else {
            self.waiting.borrow_mut().push(msg);
        }
    }

    fn receive(&self, text: String) {
        let reply = match serde_json::from_str::<Reply>(&text) {
            Ok(r) => r,
            Err(e) => Reply::Failed { code: "worker_failed".into(), message: e.to_string(), details: None },
        };
        match reply {
            Reply::Ready => {
                self.ready.set(true);
                for msg in self.waiting.take() {
                    let _ = self.worker.post_message(&msg);
                }
            }
            Reply::Loaded(l) => {
                if let Some(tx) = self.loaded.take() {
                    let _ = tx.send(Ok(*l));
                }
            }
            Reply::Failed { code, message, details } => match self.loaded.take() {
                Some(tx) => {
                    let _ = tx.send(Err(ApiError { code, message, details }));
                }
                // A question the worker could not answer: the next one may go.
                None => self.busy.set(false),
            },
            Reply::Summary(s) => {
                let next = self.next.take();
                self.busy.set(next.is_some());
                if let Some(ask) = next {
                    self.send(message(&ToWorker::Ask(ask), &[]));
                }
                if let Some(f) = self.on_summary.borrow().as_ref() {
                    f(*s);
                }
            }
        }
    }
}

/// The worker's side: load once, then answer every question. Runs inside the worker.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let engine: Rc<RefCell<Option<Engine>>> = Rc::new(RefCell::new(None));
    let s = scope.clone();
    let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let data = js_sys::Array::from(&ev.data());
        let header = data.get(0).as_string().unwrap_or_default();
        let texts: Vec<String> = (1..data.length()).map(|i| data.get(i).as_string().unwrap_or_default()).collect();
        match serde_json::from_str::<ToWorker>(&header) {
            Ok(ToWorker::Load(load)) => {
                let (scope, engine) = (s.clone(), engine.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let started = now(&scope);
                    let reply = match open(load, texts).await {
                        Ok(e) => {
                            let loaded = e.loaded(now(&scope) - started);
                            *engine.borrow_mut() = Some(e);
                            Reply::Loaded(Box::new(loaded))
                        }
                        Err(e) => Reply::Failed { code: e.code, message: e.message, details: e.details },
                    };
                    post(&scope, &reply);
                });
            }
            Ok(ToWorker::Ask(ask)) => {
                let reply = match engine.borrow_mut().as_mut() {
                    Some(e) => Reply::Summary(Box::new(e.summary(&ask, || now(&s)))),
                    None => Reply::Failed {
                        code: "worker_failed".into(),
                        message: "asked before loading".into(),
                        details: None,
                    },
                };
                post(&s, &reply);
            }
            Err(e) => post(&s, &Reply::Failed { code: "worker_failed".into(), message: e.to_string(), details: None }),
        }
    });
    scope.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    listener.forget();
    post(&scope, &Reply::Ready);
}

fn now(scope: &web_sys::DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, reply: &Reply) {
    let _ = scope.post_message(&JsValue::from_str(&serde_json::to_string(reply).unwrap_or_default()));
}

/// The engine for a [`Load`]: the server's preview data fetched, or the files' texts read.
async fn open(load: Load, texts: Vec<String>) -> Result<Engine, ApiError> {
    match load {
        Load::Server { url, token, today, published } => {
            let resp = mitra::api::authorized(gloo_net::http::Request::get(&url), &token)
                .send()
                .await
                .map_err(mitra::api::unreachable)?;
            let data: mitra_api::ProgramData = mitra::api::decode(resp).await?;
            let facts = data.facts.decode(&data.partners).map_err(|e| ApiError::local("bad_response", e))?;
            Ok(Engine::new(data.partners, facts, today, Some(published)))
        }
        Load::Files { today, published, partners, facts } => {
            let invalid = |e: mitra_cli::InputError| ApiError::local("invalid_file", e.0);
            let text = |i: usize| texts.get(i).map(String::as_str).unwrap_or_default();
            let partners = mitra_cli::partners_text(&partners, text(0)).map_err(invalid)?;
            let facts = mitra_cli::facts_text(&facts, text(1)).map_err(invalid)?;
            Ok(Engine::new(partners, facts, today, Some(published)))
        }
    }
}
