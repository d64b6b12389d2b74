//! Counting what a run delivered, at the server, against what the user
//! wrote.

use std::collections::{HashMap, HashSet};

use crate::relay_server::ReceivedMessage;

/// Counts what a run delivered, against what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryCount {
    /// Messages the client sent (and stored).
    pub sent: usize,
    /// Messages the server kept.
    pub received: usize,
    /// Sent but never received.
    pub lost: usize,
    /// Received more than once (by id or by text).
    pub duplicated: usize,
    /// Received after a message that was written later.
    pub out_of_order: usize,
}

impl DeliveryCount {
    /// Compares the texts sent, in the order written, with those received.
    pub fn of(sent: &[String], received: &[ReceivedMessage]) -> Self {
        let position: HashMap<&str, usize> = sent
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut seen_texts = HashSet::new();
        let mut seen_ids = HashSet::new();
        let mut duplicated = 0;
        let mut out_of_order = 0;
        let mut last = None;
        for message in received {
            if !seen_texts.insert(message.text.as_str())
                || !seen_ids.insert(message.client_message_id)
            {
                duplicated += 1;
                continue;
            }
            if let Some(&at) = position.get(message.text.as_str()) {
                if last.is_some_and(|last| at < last) {
                    out_of_order += 1;
                }
                last = Some(at);
            }
        }
        let lost = sent
            .iter()
            .filter(|t| !seen_texts.contains(t.as_str()))
            .count();
        Self {
            sent: sent.len(),
            received: received.len(),
            lost,
            duplicated,
            out_of_order,
        }
    }

    /// Nothing lost, nothing twice, nothing out of order.
    pub fn is_perfect(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.out_of_order == 0
    }
}
