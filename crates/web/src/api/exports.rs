//! `GET /api/v1/studies/{key}/exports/{kind}?format=csv|jsonl`: the datasets of
//! [`koers_export`], streamed.
//!
//! The export runs on a blocking thread and writes into a bounded channel that the response body
//! reads, so memory stays flat however large the study and a client that goes away stops the
//! export. Headers are sent only once the first bytes are there: an export that fails at once is
//! a problem+json; one that fails half-way breaks off the body (the client sees a truncated
//! transfer, never a dataset that silently ends early). Every export is audited before it runs.

use super::auth::{caller, secret_or_unavailable};
use super::paging::parse_query;
use super::problem::Problem;
use super::scopes::Scope;
use super::studies::study_for;
use super::{no_store, write};
use crate::state::AppState;
use actix_web::body::{BodySize, MessageBody};
use actix_web::http::{header, StatusCode};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_export::{ExportError, Format, Kind};
use koers_store::audit;
use serde::Deserialize;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use tokio::sync::mpsc;
use utoipa::IntoParams;

/// Bytes gathered before a chunk goes to the client.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks waiting for a slow client before the export pauses.
const CHANNEL_CHUNKS: usize = 4;
/// Exports running at once in this process. Each holds a database connection for as long as
/// its client takes to read, so a few slow downloads must not take the whole pool.
const MAX_RUNNING: usize = 3;

static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// A place among the running exports, given back when dropped.
struct Slot;

impl Slot {
    fn take() -> Option<Slot> {
        RUNNING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < MAX_RUNNING).then_some(n + 1))
            .ok()
            .map(|_| Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::AcqRel);
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default) or `jsonl` (one JSON object per line).
    #[param(value_type = Option<ExportFormat>, inline)]
    pub format: Option<String>,
    /// `responses-wide` of one questionnaire only (its key).
    #[param(min_length = 1, max_length = 100)]
    pub questionnaire: Option<String>,
}

/// The kinds of export, as the path names them (documentation only: [`Kind`] is the real one).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum ExportKind {
    AnswersLong,
    ResponsesWide,
    PairWeeks,
    Invitations,
    People,
    Rewards,
    Codebook,
    Feedback,
    Paradata,
    Rates,
}

/// The formats of an export (documentation only: [`Format`] is the real one).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ExportFormat {
    Csv,
    Jsonl,
}

enum Piece {
    Data(Bytes),
    Done,
    /// The export could not be made; with the reason when it lies in the request.
    Failed(Option<String>),
}

/// A `Write` that hands the export's bytes to the response body in chunks.
struct ChannelWriter {
    tx: mpsc::Sender<Piece>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_BYTES)));
        self.tx
            .blocking_send(Piece::Data(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The response body: the first chunk (already received) and the rest as it comes.
struct ExportBody {
    first: Option<Bytes>,
    rx: mpsc::Receiver<Piece>,
    done: bool,
}

impl MessageBody for ExportBody {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, io::Error>>> {
        let this = self.get_mut();
        if let Some(b) = this.first.take() {
            return Poll::Ready(Some(Ok(b)));
        }
        if this.done {
            return Poll::Ready(None);
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(Piece::Data(b))) => Poll::Ready(Some(Ok(b))),
            Poll::Ready(Some(Piece::Done)) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Piece::Failed(_))) | Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(Some(Err(io::Error::other("the export stopped half-way"))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A file name that is safe in a header whatever the study key holds.
/// The download's name: the study, `TEST` for a test-mode study's rehearsal data, the kind.
fn file_name(study: &str, test_mode: bool, kind: Kind, format: Format) -> String {
    let safe: String = study.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(60).collect();
    let test = if test_mode { "-TEST" } else { "" };
    format!("{}{test}-{}.{}", if safe.is_empty() { "study" } else { &safe }, kind.as_str(), format.extension())
}

#[utoipa::path(
    get,
    path = "/api/v1/studies/{key}/exports/{kind}",
    operation_id = "export_dataset",
    tag = "exports",
    params(
        ("key" = String, Path, description = "The study's key.", max_length = 100),
        ("kind" = inline(ExportKind), Path, description = "Which dataset. `rewards` names people and is for admins only."),
        ExportQuery,
    ),
    responses(
        (status = 200, description = "The dataset, streamed (CSV with a header line, or JSON Lines).",
            content((String = "text/csv"), (String = "application/jsonl"))),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token or the caller's roles in this study lack `export`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or kind, or the caller has no role in the study.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format or a bad questionnaire key.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["export"]))
)]
pub async fn export(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let who = caller(&state, &req).await?;
    who.require(Scope::Export)?;
    let (key, kind) = path.into_inner();
    let kind = Kind::parse(&kind).ok_or_else(|| Problem::not_found("There is no export of this kind."))?;
    let q: ExportQuery = parse_query(req.query_string())?;
    let format = match q.format.as_deref() {
        None => Format::Csv,
        Some(f) => Format::parse(f).ok_or_else(|| Problem::invalid_param("format", "must be csv or jsonl"))?,
    };
    let questionnaire = match q.questionnaire {
        Some(k) if k.is_empty() || k.chars().count() > 100 || k.chars().any(char::is_control) => {
            return Err(Problem::invalid_param("questionnaire", "must be a questionnaire key of 1 to 100 characters"))
        }
        other => other,
    };
    let pseudonym_key = koers_export::pseudonym_key(secret_or_unavailable(&state)?.as_bytes());
    let Some(slot) = Slot::take() else {
        return Err(Problem {
            retry_after: Some(60),
            ..Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Other exports are running; try again in a minute.")
        });
    };
    let now = state.real_clock.now();
    let q_for_audit = questionnaire.clone();
    let study = write(&state, move |c| {
        let (study, teams) = study_for(c, &who, &key, Scope::Export)?;
        // The payout file names people: only an admin role's teams, whatever else the account may.
        let teams = if kind.identifying() {
            who.access.admin_teams(study.id).ok_or_else(|| {
                Problem::forbidden("This export names people; only an admin of the study may make it.")
            })?
        } else {
            teams
        };
        audit::record(
            c,
            now,
            &audit::Entry {
                actor: &who.actor(),
                actor_staff_id: Some(who.staff_id),
                action: "export",
                study_id: Some(study.id),
                target_kind: Some("study"),
                target_id: Some(study.id),
                details: serde_json::json!({
                    "kind": kind.as_str(),
                    "format": format.extension(),
                    "questionnaire": q_for_audit,
                    "via": "api",
                    "api_key_id": who.api_key,
                    "teams": teams.filter(),
                }),
                ..Default::default()
            },
        )?;
        Ok((study, teams))
    })
    .await?;
    let (study, teams) = study;
    let by_questionnaire = questionnaire.is_some();
    // Open pairs and participations count up to the study's own now (a test study's clock).
    let now = study.clock().at(now);
    let request = koers_export::Request {
        kind,
        study_id: study.id,
        format,
        pseudonym_key,
        questionnaire,
        now,
        teams: teams.into_filter(),
    };
    let (tx, mut rx) = mpsc::channel(CHANNEL_CHUNKS);
    let db = state.db.clone();
    // Runs on the blocking pool by itself; the body below is what waits for it.
    drop(web::block(move || {
        let _slot = slot;
        let mut out = ChannelWriter { tx: tx.clone(), buf: Vec::with_capacity(CHUNK_BYTES) };
        let result = db.read(|c| koers_export::export(c, &request, &mut out, &mut |_, _| {}));
        let finished = result.and_then(|_| out.send().map_err(ExportError::from));
        let last = match finished {
            Ok(()) => Piece::Done,
            Err(ExportError::Invalid(why)) => Piece::Failed(Some(why)),
            Err(ExportError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                tracing::info!(kind = request.kind.as_str(), "api: the client left before the export was done");
                Piece::Failed(None)
            }
            Err(e) => {
                tracing::error!(error = %e, kind = request.kind.as_str(), "api: export failed");
                Piece::Failed(None)
            }
        };
        let _ = tx.blocking_send(last);
    }));
    let first = match rx.recv().await {
        Some(Piece::Data(b)) => Some(b),
        Some(Piece::Done) => None,
        Some(Piece::Failed(Some(why))) => {
            return Err(Problem::invalid_param(if by_questionnaire { "questionnaire" } else { "request" }, why))
        }
        Some(Piece::Failed(None)) | None => return Err(Problem::unavailable()),
    };
    let done = first.is_none();
    let body = ExportBody { first, rx, done };
    Ok(no_store(HttpResponse::Ok())
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file_name(&study.key, study.test_mode, kind, format)),
        ))
        .insert_header(("X-Koers-Test-Study", if study.test_mode { "true" } else { "false" }))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_hold_only_safe_characters() {
        assert_eq!(file_name("vsv", false, Kind::PairWeeks, Format::Jsonl), "vsv-pair-weeks.jsonl");
        assert_eq!(file_name("\"; x=y", false, Kind::Codebook, Format::Csv), "xy-codebook.csv");
        assert_eq!(file_name("ëë", false, Kind::People, Format::Csv), "study-people.csv");
        assert_eq!(file_name("demo", true, Kind::People, Format::Csv), "demo-TEST-people.csv");
    }

    #[test]
    fn the_documented_kinds_are_the_export_kinds() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(ExportKind::schema()).unwrap();
        let documented: Vec<&str> = schema["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(documented, kinds);
    }
}
