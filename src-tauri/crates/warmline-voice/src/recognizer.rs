//! The [`SpeechRecognizer`] trait and what every engine shares: choosing the
//! language from the UI locale, the script of Chinese output, and dropping
//! silence and hallucinated phrases.

use crate::error::VoiceError;

/// A spoken language dictation can recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// English.
    English,
    /// Mandarin Chinese.
    Mandarin,
    /// Cantonese (only models whose vocabulary has it; see
    /// [`ModelCapabilities::cantonese`]).
    Cantonese,
}

/// Which Chinese characters the user reads: the program's one script
/// conversion lives in `warmline_core::script`, shared with the phrase
/// matcher.
pub use warmline_core::script::ChineseScript;

/// What to recognise and how to write it, derived from the UI locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DictationLanguage {
    /// The spoken language.
    pub language: Language,
    /// For Chinese, the script the text must come out in.
    pub script: Option<ChineseScript>,
}

impl DictationLanguage {
    /// Maps a UI locale (`en-US`, `zh-CN`, `zh-TW`, `zh-HK`, `yue`…) to a
    /// dictation language. Unknown locales fall back to English.
    ///
    /// `zh-TW` is Taiwanese Mandarin (traditional script); only `zh-HK`,
    /// `zh-MO` and `yue*` ask for Cantonese, and even then Cantonese is used
    /// only when the model has it (see [`whisper_language_code`]).
    pub fn from_locale(locale: &str) -> Self {
        let lower = locale.trim().replace('_', "-").to_ascii_lowercase();
        let (language, script) = if lower.starts_with("yue") {
            (Language::Cantonese, Some(ChineseScript::Traditional))
        } else if lower.starts_with("zh") {
            let traditional = ["-tw", "-hk", "-mo", "-hant"]
                .iter()
                .any(|tag| lower.contains(tag));
            let cantonese = lower.contains("-hk") || lower.contains("-mo");
            (
                if cantonese {
                    Language::Cantonese
                } else {
                    Language::Mandarin
                },
                Some(if traditional {
                    ChineseScript::Traditional
                } else {
                    ChineseScript::Simplified
                }),
            )
        } else {
            (Language::English, None)
        };
        Self { language, script }
    }

    /// True for Mandarin and Cantonese.
    pub fn is_chinese(&self) -> bool {
        self.language != Language::English
    }

    /// A short sentence in the right script that whisper takes as the text
    /// before the dictation: it biases the output to that script, to
    /// punctuation, and to the words of a support conversation. (Instruction
    /// prompts such as "以下是普通话的句子" were read back as the transcript of
    /// short utterances; this one did best on our test sentences.) `None` for
    /// English: an English prompt only makes whisper more likely to invent it
    /// back on silence.
    pub fn initial_prompt(&self) -> Option<&'static str> {
        match (self.language, self.script) {
            (Language::English, _) => None,
            (Language::Cantonese, _) => Some("你好，請問有咩可以幫到你？"),
            (Language::Mandarin, Some(ChineseScript::Traditional)) => {
                Some("你好，請問有什麼可以幫您？")
            }
            (Language::Mandarin, _) => Some("你好，请问有什么可以帮您？"),
        }
    }
}

/// What a model can recognise (from the catalogue's metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelCapabilities {
    /// False for English-only models (`*.en`).
    pub multilingual: bool,
    /// True only for large-v3 and large-v3-turbo, whose vocabulary has the
    /// `<|yue|>` token. Passing "yue" to any other model breaks decoding.
    pub cantonese: bool,
}

/// The language code to give whisper for `language` on a model with
/// `capabilities`.
///
/// * English → `"en"`.
/// * Mandarin → `"zh"`; an English-only model cannot do it: that is
///   [`VoiceError::NoModel`] (the service then looks for another model; it
///   never runs an English-only model on Chinese speech, which would produce
///   confident English nonsense).
/// * Cantonese → `"yue"` on models that have it, else `"zh"` (whisper's
///   Mandarin model writes Cantonese speech as standard written Chinese,
///   which is more useful than nothing).
pub fn whisper_language_code(
    language: Language,
    capabilities: ModelCapabilities,
) -> Result<&'static str, VoiceError> {
    match language {
        Language::English => Ok("en"),
        _ if !capabilities.multilingual => Err(VoiceError::NoModel(
            "the installed model understands English only".into(),
        )),
        Language::Cantonese if capabilities.cantonese => Ok("yue"),
        Language::Mandarin | Language::Cantonese => Ok("zh"),
    }
}

/// A speech-to-text engine: 16 kHz mono `f32` in, text out.
///
/// Engines are loaded once and reused; `transcribe` blocks (call it on a
/// blocking thread, never on the async runtime). Implementations return raw
/// segments; [`clean_transcript`] does the filtering shared by all engines.
pub trait SpeechRecognizer: Send + Sync {
    /// A short name for logs (`"whisper:base"`).
    fn name(&self) -> String;
    /// What this engine's model can recognise.
    fn capabilities(&self) -> ModelCapabilities;
    /// Recognises `samples` (16 kHz mono) in `language`; returns the text of
    /// each segment as the engine produced it.
    fn transcribe(
        &self,
        samples: &[f32],
        language: DictationLanguage,
    ) -> Result<Vec<String>, VoiceError>;
}

/// Phrases whisper produces from silence or noise (learned from subtitle
/// credits in its training data). Compared after removing punctuation,
/// spaces and case. Phrases a user may really say on their own ("Thank
/// you", "谢谢大家") are not listed: silence never reaches the recognizer
/// because the service drops recordings in which no speech was detected.
pub const HALLUCINATIONS: &[&str] = &[
    "thank you for watching",
    "thanks for watching",
    "thank you for watching and see you next time",
    "please subscribe",
    "subscribe to my channel",
    "like and subscribe",
    "you",
    "the end",
    "silence",
    "blank audio",
    "music",
    "applause",
    "subtitles by the amaraorg community",
    "字幕由amaraorg社区提供",
    "字幕由amaraorg社區提供",
    "请不吝点赞订阅转发打赏支持明镜与点点栏目",
    "請不吝點贊訂閱轉發打賞支持明鏡與點點欄目",
    "请不吝点赞订阅转发打赏支持明镜与点点",
    "明镜与点点栏目",
    "谢谢观看",
    "謝謝觀看",
    "感谢观看",
    "感謝觀看",
    "字幕志愿者",
    "中文字幕",
    "优优独播剧场yoyotelevisionseriesexclusive",
    "本字幕由",
];

/// Fragments that mark a whole segment as a subtitle credit wherever they
/// appear in it.
const CREDIT_FRAGMENTS: &[&str] = &[
    "amaraorg",
    "明镜与点点",
    "明鏡與點點",
    "字幕由",
    "字幕提供",
    "subtitlesby",
    "请不吝点赞",
    "請不吝點贊",
];

/// Removes punctuation, whitespace and case, so "Thank you!" = "thank you".
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes `[BLANK_AUDIO]`, `(silence)`, `（笑）`, `*music*` and `♪` marks.
fn strip_sound_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut in_stars = false;
    for c in text.chars() {
        match c {
            '[' | '(' | '（' | '【' => depth += 1,
            ']' | ')' | '）' | '】' => depth = depth.saturating_sub(1),
            '*' => in_stars = !in_stars,
            '♪' | '♫' => {}
            _ if depth == 0 && !in_stars => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a segment is a known hallucination (after sound marks are gone).
pub fn is_hallucination(segment: &str, prompt: Option<&str>) -> bool {
    let plain = normalise(segment);
    if plain.is_empty() {
        return true;
    }
    let squashed: String = plain.chars().filter(|c| *c != ' ').collect();
    if HALLUCINATIONS
        .iter()
        .any(|h| plain == *h || squashed == h.replace(' ', ""))
    {
        return true;
    }
    if CREDIT_FRAGMENTS.iter().any(|f| squashed.contains(f)) {
        return true;
    }
    // whisper sometimes reads its own prompt back on silence.
    prompt.is_some_and(|p| {
        let p: String = normalise(p).chars().filter(|c| *c != ' ').collect();
        !p.is_empty() && (squashed == p || p.contains(&squashed) && squashed.chars().count() > 4)
    })
}

/// Collapses a run of four or more repeats of the same 1–4 characters (or
/// words), or three or more of a 5–24 character phrase, into one: whisper
/// sometimes loops ("汤汤汤汤汤", "the the the the", "请问有什么可以帮您，"
/// ×3) on unclear audio; nobody dictates a word four times or a phrase
/// three times in a row. Digits are left alone.
pub fn collapse_repeats(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    'outer: while i < chars.len() {
        for unit in 1..=24usize {
            let copies = if unit < 5 { 4 } else { 3 };
            if i + unit * copies > chars.len() {
                break;
            }
            let pattern = &chars[i..i + unit];
            // Numbers repeat digits legitimately (1000000, 8888).
            if pattern.iter().all(|c| c.is_whitespace()) || pattern.iter().any(|c| c.is_numeric()) {
                continue;
            }
            let mut count = 1;
            while i + unit * (count + 1) <= chars.len()
                && &chars[i + unit * count..i + unit * (count + 1)] == pattern
            {
                count += 1;
            }
            if count >= copies {
                out.extend_from_slice(pattern);
                i += unit * count;
                continue 'outer;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out.into_iter().collect()
}

/// Turns an engine's raw segments into the text to put in the text box:
/// drops sound marks and hallucinated segments, joins the rest (with spaces
/// for English, without for Chinese) and converts Chinese to the UI's script.
/// Returns an empty string when nothing real was said.
pub fn clean_transcript(segments: &[String], language: DictationLanguage) -> String {
    let prompt = language.initial_prompt();
    let kept: Vec<String> = segments
        .iter()
        // Loops collapse first, so a prompt read back three times is still
        // recognised as the prompt.
        .map(|s| collapse_repeats(strip_sound_marks(s).trim()))
        .filter(|s| !is_hallucination(s, prompt))
        .collect();
    let joined = if language.is_chinese() {
        kept.concat()
    } else {
        kept.join(" ")
    };
    let joined = collapse_repeats(&joined)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match language.script {
        Some(script) => warmline_core::script::convert(&joined, script),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> DictationLanguage {
        DictationLanguage::from_locale("en-US")
    }

    fn segs(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn locales_map_to_languages_and_scripts() {
        let cn = DictationLanguage::from_locale("zh-CN");
        assert_eq!(cn.language, Language::Mandarin);
        assert_eq!(cn.script, Some(ChineseScript::Simplified));
        let tw = DictationLanguage::from_locale("zh_TW");
        assert_eq!(tw.language, Language::Mandarin);
        assert_eq!(tw.script, Some(ChineseScript::Traditional));
        let hk = DictationLanguage::from_locale("zh-HK");
        assert_eq!(hk.language, Language::Cantonese);
        assert_eq!(en().language, Language::English);
        assert_eq!(
            DictationLanguage::from_locale("de-DE").language,
            Language::English
        );
    }

    #[test]
    fn yue_only_for_models_that_have_it() {
        let small = ModelCapabilities {
            multilingual: true,
            cantonese: false,
        };
        let turbo = ModelCapabilities {
            multilingual: true,
            cantonese: true,
        };
        let tiny_en = ModelCapabilities {
            multilingual: false,
            cantonese: false,
        };
        assert_eq!(
            whisper_language_code(Language::Cantonese, small).unwrap(),
            "zh"
        );
        assert_eq!(
            whisper_language_code(Language::Cantonese, turbo).unwrap(),
            "yue"
        );
        assert_eq!(
            whisper_language_code(Language::Mandarin, turbo).unwrap(),
            "zh"
        );
        assert_eq!(
            whisper_language_code(Language::English, tiny_en).unwrap(),
            "en"
        );
        let error = whisper_language_code(Language::Mandarin, tiny_en).unwrap_err();
        assert_eq!(error.message_id(), "voice-error-no-model");
    }

    #[test]
    fn known_hallucinations_are_dropped() {
        let zh = DictationLanguage::from_locale("zh-CN");
        for junk in [
            "[BLANK_AUDIO]",
            "(silence)",
            " Thank you for watching!",
            "字幕由Amara.org社区提供",
            "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
            "♪♪",
            "*music*",
        ] {
            assert_eq!(clean_transcript(&segs(&[junk]), zh), "", "{junk}");
            assert_eq!(clean_transcript(&segs(&[junk]), en()), "", "{junk}");
        }
    }

    #[test]
    fn real_text_survives_and_trailing_credits_go() {
        let zh = DictationLanguage::from_locale("zh-CN");
        let text = clean_transcript(
            &segs(&["我想查一下我的账单。", "字幕由Amara.org社区提供"]),
            zh,
        );
        assert_eq!(text, "我想查一下我的账单。");
        let text = clean_transcript(
            &segs(&[" Hello, I need help", " with my bill. [BLANK_AUDIO]"]),
            en(),
        );
        assert_eq!(text, "Hello, I need help with my bill.");
        // "Thank you" inside a real sentence is not a hallucination.
        let text = clean_transcript(&segs(&["Thank you, my card works now."]), en());
        assert_eq!(text, "Thank you, my card works now.");
    }

    #[test]
    fn decoding_loops_collapse() {
        assert_eq!(collapse_repeats("我的银汤汤汤汤汤汤汤汤"), "我的银汤");
        assert_eq!(collapse_repeats("the the the the the end"), "the end");
        assert_eq!(collapse_repeats("ha ha ha ha ha"), "ha ha");
        // Three times is still speech ("no, no, no"), and so is 谢谢.
        assert_eq!(collapse_repeats("no no no"), "no no no");
        assert_eq!(collapse_repeats("谢谢你"), "谢谢你");
        assert_eq!(collapse_repeats("1000000 and 8888"), "1000000 and 8888");
        assert_eq!(collapse_repeats("一千万万万万"), "一千万");
        // A phrase looped three times (base on robotic Mandarin).
        assert_eq!(
            collapse_repeats("你好，请问有什么可以帮您，请问有什么可以帮您，请问有什么可以帮您，"),
            "你好，请问有什么可以帮您，"
        );
        assert_eq!(
            collapse_repeats("I'm fine. I'm fine."),
            "I'm fine. I'm fine."
        );
    }

    #[test]
    fn the_prompt_read_back_is_dropped() {
        let zh = DictationLanguage::from_locale("zh-CN");
        let prompt = zh.initial_prompt().unwrap().to_owned();
        assert_eq!(clean_transcript(std::slice::from_ref(&prompt), zh), "");
        // Read back in a loop (base on a long robotic clip).
        let looped = format!("你好，{0}{0}{0}", &prompt["你好，".len()..]);
        assert_eq!(clean_transcript(&[looped], zh), "");
    }

    #[test]
    fn chinese_comes_out_in_the_ui_script_both_ways() {
        let cn = DictationLanguage::from_locale("zh-CN");
        let tw = DictationLanguage::from_locale("zh-TW");
        // The model answered in traditional; the UI is simplified.
        assert_eq!(
            clean_transcript(&segs(&["我要查詢銀行帳戶的餘額"]), cn),
            "我要查询银行账户的余额"
        );
        // The model answered in simplified; the UI is traditional.
        assert_eq!(
            clean_transcript(&segs(&["我要查询银行账户的余额"]), tw),
            "我要查詢銀行帳戶的餘額"
        );
        // English is never touched.
        assert_eq!(clean_transcript(&segs(&["Hello"]), en()), "Hello");
    }
}
