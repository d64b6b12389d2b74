//! The rules of [`ReadAloud`] on a recording speaker (the real engine is
//! tested in `tests/speech_dispatcher.rs`).

use std::sync::{Arc, Mutex};

use warmline_core::{
    Author, ConversationChange, ConversationEvent, DeliveryState, HandoffState, Message,
    MessageBody, MessageId, Timestamp,
};

use super::*;

#[derive(Default)]
struct Recorder {
    said: Mutex<Vec<Utterance>>,
    stops: Mutex<u32>,
}

impl Speaker for Recorder {
    fn speak(&self, utterance: &Utterance) -> Result<(), SpeechError> {
        self.said.lock().unwrap().push(utterance.clone());
        Ok(())
    }
    fn stop(&self) -> Result<(), SpeechError> {
        *self.stops.lock().unwrap() += 1;
        Ok(())
    }
    fn voices(&self) -> Result<Vec<VoiceInfo>, SpeechError> {
        let voice = |name: &str, language: &str| VoiceInfo {
            id: name.to_owned(),
            name: name.to_owned(),
            language: language.to_owned(),
        };
        Ok(vec![
            voice("English (America)", "en-US"),
            voice("English (America)+Adam", "en-US"),
            voice("Chinese (Mandarin)", "cmn"),
            voice("Chinese (Mandarin)+Alex", "cmn"),
            voice("Mandarin+Only", "zh-CN"),
        ])
    }
}

fn on() -> ReadAloudOptions {
    ReadAloudOptions {
        enabled: true,
        rate_percent: 80,
        voice: None,
    }
}

fn reply(text: &str) -> Message {
    Message {
        id: MessageId::new(),
        author: Author::Agent {
            name: "Anna".into(),
            demo: false,
        },
        body: MessageBody::Text { text: text.into() },
        sent_at: Timestamp(0),
        delivery: DeliveryState::Sent,
        failure: None,
    }
}

fn event(seq: u32, change: ConversationChange) -> ConversationEvent {
    ConversationEvent {
        epoch: 1,
        seq,
        change,
    }
}

fn added(seq: u32, message: Message) -> ConversationEvent {
    event(seq, ConversationChange::MessageAdded { message })
}

fn setup(options: ReadAloudOptions) -> (Arc<Recorder>, ReadAloud) {
    let recorder = Arc::new(Recorder::default());
    let speaker = recorder.clone();
    let read = ReadAloud::new(
        Box::new(move |_| Ok(speaker.clone() as Arc<dyn Speaker>)),
        "zh-CN",
        options,
    );
    (recorder, read)
}

#[test]
fn a_new_reply_is_read_once_in_the_users_language_and_rate() {
    let (recorder, read) = setup(on());
    assert_eq!(
        read.on_event(&added(1, reply("您好"))).as_deref(),
        Some("Anna说：您好")
    );
    let said = recorder.said.lock().unwrap();
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].locale, "zh-CN");
    assert_eq!(said[0].rate_percent, 80);
    assert!(
        !said[0].interrupt,
        "a new reply waits for the one being read"
    );
}

#[test]
fn nothing_is_read_when_off_or_for_the_users_own_words() {
    let (recorder, read) = setup(ReadAloudOptions::default());
    assert!(read.on_event(&added(1, reply("您好"))).is_none());
    read.set_options(on());
    let mut own = reply("我的卡丢了");
    own.author = Author::User;
    assert!(read.on_event(&added(2, own)).is_none());
    assert!(recorder.said.lock().unwrap().is_empty());
}

#[test]
fn the_same_queue_sentence_is_not_read_twice() {
    let (recorder, read) = setup(on());
    let queued = |position| ConversationChange::HandoffChanged {
        handoff: HandoffState::Queued {
            position: Some(position),
            estimated_wait_secs: None,
        },
    };
    assert_eq!(
        read.on_event(&event(1, queued(3))).as_deref(),
        Some("您排在第 3 位。")
    );
    assert!(read.on_event(&event(2, queued(3))).is_none());
    assert!(read.on_event(&event(3, queued(2))).is_some());
    assert_eq!(recorder.said.lock().unwrap().len(), 2);
}

#[test]
fn the_microphone_stops_reading_and_nothing_is_read_while_it_listens() {
    let (recorder, read) = setup(on());
    read.on_event(&added(1, reply("开始")));
    read.set_listening(true);
    assert_eq!(
        *recorder.stops.lock().unwrap(),
        1,
        "pressing the microphone stops reading"
    );
    assert!(read.on_event(&added(2, reply("您好"))).is_none());
    assert_eq!(
        read.read_again(&reply("您好")),
        Err(ReadAloudError::Listening)
    );
    assert_eq!(recorder.said.lock().unwrap().len(), 1);
    read.set_listening(false);
    assert!(read.on_event(&added(3, reply("再见"))).is_some());
}

#[test]
fn read_again_interrupts_and_works_with_read_aloud_off() {
    let (recorder, read) = setup(ReadAloudOptions::default());
    read.read_again(&reply("您好")).unwrap();
    assert!(recorder.said.lock().unwrap()[0].interrupt);
    let mut own = reply("我");
    own.author = Author::User;
    assert_eq!(read.read_again(&own), Err(ReadAloudError::NothingToRead));
}

#[test]
fn without_an_engine_chatting_goes_on_and_the_reason_is_kept() {
    let read = ReadAloud::new(
        Box::new(|_| Err(SpeechError::NoEngine("none".into()))),
        "en-US",
        on(),
    );
    assert!(read.on_event(&added(1, reply("Hello"))).is_none());
    assert_eq!(
        read.engine_problem().unwrap().code().message_id(),
        "speech-no-engine"
    );
    assert_eq!(
        read.read_again(&reply("Hello"))
            .unwrap_err()
            .code()
            .message_id(),
        "speech-no-engine"
    );
    assert!(read.stop().is_ok());
    assert!(!*read.speaking().borrow());
}

#[test]
fn a_new_language_is_read_from_the_next_reply_on() {
    let (recorder, read) = setup(on());
    read.set_locale("en-US");
    assert_eq!(read.locale(), "en-US");
    assert_eq!(
        read.on_event(&added(1, reply("Hello"))).as_deref(),
        Some("Anna says: Hello")
    );
    // An unknown tag falls back to a supported language, never to none.
    read.set_locale("zh-Hant-HK");
    assert_eq!(read.locale(), "zh-TW");
    assert_eq!(recorder.said.lock().unwrap()[0].locale, "en-US");
}

#[test]
fn the_voices_offered_are_the_languages_own_without_variants() {
    let (_, read) = setup(on());
    let names = |read: &ReadAloud| {
        read.voices()
            .unwrap()
            .into_iter()
            .map(|voice| voice.name)
            .collect::<Vec<_>>()
    };
    // A variant is dropped only beside its voice.
    assert_eq!(names(&read), ["Chinese (Mandarin)", "Mandarin+Only"]);
    read.set_locale("en-US");
    assert_eq!(names(&read), ["English (America)"]);
}
