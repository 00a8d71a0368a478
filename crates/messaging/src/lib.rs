//! koers-messaging: SMS gateways behind one trait. Gateways only send; deciding what and when
//! to send (and making sure it happens once) belongs to the scheduler.

pub mod console;
pub mod email;
pub mod factory;
pub mod gateway;
pub mod http;
pub mod messagebird;
pub mod recording;
pub mod twilio;
pub mod webhook;

pub use console::ConsoleGateway;
pub use gateway::{Lookup, OutgoingSms, SendError, SendReceipt, SmsGateway};
pub use recording::RecordingGateway;
