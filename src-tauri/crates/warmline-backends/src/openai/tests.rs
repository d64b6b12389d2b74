//! The context the model sees, and the assistant's label. (The adapter
//! against a scripted endpoint: tests/integration/tests/openai_failures.rs;
//! against the real model: tiered_real_model.rs.)

use super::*;
use warmline_core::MemorySecrets;

fn worker(context_chars: u32, locale: &'static str, prompt: &str) -> Worker {
    let settings = OpenAiSettings {
        context_chars,
        system_prompt: prompt.into(),
        ..OpenAiSettings::new("http://127.0.0.1:9", "m")
    };
    let backend = OpenAiBackend::new(settings, Arc::new(MemorySecrets::new())).unwrap();
    Worker {
        shared: backend.shared,
        locale,
        name: "Automatic assistant".into(),
        events: Arc::new(Mutex::new(mpsc::channel(1).0)),
        history: Vec::new(),
    }
}

fn turn(role: &'static str, content: &str) -> Turn {
    Turn {
        role,
        content: content.into(),
    }
}

#[test]
fn the_context_keeps_the_latest_messages_that_fit() {
    let mut worker = worker(200, "en-US", "");
    for i in 0..10 {
        worker
            .history
            .push(turn("user", &format!("{i}{}", "q".repeat(39))));
        worker
            .history
            .push(turn("assistant", &format!("{i}{}", "a".repeat(39))));
    }
    let context = worker.context();
    assert_eq!(context[0].role, "system");
    assert!(context[0].content.starts_with(DEFAULT_PROMPT));
    assert!(context[0].content.ends_with("Answer in English."));
    // 200 characters hold the five latest messages of 40.
    let kept: Vec<_> = context[1..]
        .iter()
        .map(|t| (t.role, &t.content[..1]))
        .collect();
    assert_eq!(
        kept,
        [
            ("assistant", "7"),
            ("user", "8"),
            ("assistant", "8"),
            ("user", "9"),
            ("assistant", "9")
        ]
    );
}

#[test]
fn a_long_last_message_is_cut_to_the_size_and_the_profiles_prompt_is_used() {
    let mut worker = worker(200, "zh-TW", "You help with parcels.");
    worker.history.push(turn("user", "old"));
    worker
        .history
        .push(turn("user", &format!("{}END", "x".repeat(500))));
    let context = worker.context();
    assert_eq!(context.len(), 2);
    assert_eq!(context[1].content.chars().count(), 200);
    assert!(
        context[1].content.ends_with("END"),
        "the latest words are kept"
    );
    assert_eq!(
        context[0].content,
        "You help with parcels.\nAnswer in Traditional Chinese."
    );
}

#[test]
fn the_assistant_is_labelled_automatic_in_every_language() {
    for locale in warmline_i18n::SUPPORTED_LOCALES {
        let localizer = Localizer::new(locale);
        let plain = assistant_label(&localizer, "");
        let named = assistant_label(&localizer, "Ava");
        let word = match locale {
            "zh-CN" => "自动助手",
            "zh-TW" => "自動助理",
            _ => "automatic assistant",
        };
        assert!(plain.to_lowercase().contains(word), "{locale}: {plain}");
        assert!(
            named.contains("Ava") && named.contains(word),
            "{locale}: {named}"
        );
        for id in [
            "ai-greeting",
            "ai-notice-failed",
            "ai-notice-unclear",
            "ai-notice-other-language",
        ] {
            assert!(localizer.has(id), "{locale} lacks {id}");
        }
    }
}
