//! Guessing which of Warmline's languages a message is written in, so the
//! demo answers in kind.

/// Characters only traditional Chinese uses (or uses far more often).
const TRADITIONAL_ONLY: &str = "這們個說話請帳單號碼郵貨時間開關麼樣還沒買賣錢銀寄電氣網絡線務費預約會員繳幫謝對為與從來過點後轉問題處裡裏應該營業帶區實體張態們經讓誰給碼隊該";
/// Characters only simplified Chinese uses.
const SIMPLIFIED_ONLY: &str = "这们个说话请账单号码邮货时间开关么样还没买卖钱银寄电气网络线务费预约会员缴帮谢对为与从来过点后转问题处里应该营业带区实体张态经让谁给码队该";
/// Cantonese-only particles and words; Warmline shows Cantonese in
/// traditional characters.
const CANTONESE_MARKERS: &str = "嘅咗唔係佢啲冇喺搵睇嚟咩點樣乜嘢";

/// The Warmline locale a piece of text is most likely written in, or
/// `fallback` when the text gives no hint (digits, emoji, punctuation).
pub fn detect_locale(text: &str, fallback: &'static str) -> &'static str {
    let mut han = 0;
    let mut traditional = 0;
    let mut simplified = 0;
    let mut cantonese = 0;
    let mut latin = 0;
    for c in text.chars() {
        if is_han(c) {
            han += 1;
            // A character that is the same in both scripts appears in both
            // lists, so it counts for neither side.
            let in_traditional = TRADITIONAL_ONLY.contains(c);
            let in_simplified = SIMPLIFIED_ONLY.contains(c);
            if in_traditional && !in_simplified {
                traditional += 1;
            }
            if in_simplified && !in_traditional {
                simplified += 1;
            }
            if CANTONESE_MARKERS.contains(c) {
                cantonese += 1;
            }
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if han == 0 {
        return if latin > 0 { "en-US" } else { fallback };
    }
    if traditional + cantonese > simplified {
        "zh-TW"
    } else if simplified > traditional + cantonese {
        "zh-CN"
    } else if fallback.starts_with("zh") {
        fallback
    } else {
        "zh-CN"
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2A6DF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::detect_locale;

    #[test]
    fn tells_english_simplified_traditional_and_cantonese_apart() {
        let cases = [
            ("hello", "zh-CN", "en-US"),
            ("Where is my parcel?", "en-US", "en-US"),
            ("我的快递到哪里了", "en-US", "zh-CN"),
            ("这个账单是多少钱", "en-US", "zh-CN"),
            ("我的包裹到哪裡了", "en-US", "zh-TW"),
            ("這個帳單是多少錢", "en-US", "zh-TW"),
            ("我想搵人幫手", "en-US", "zh-TW"),
            ("你好", "zh-TW", "zh-TW"),
            ("你好", "en-US", "zh-CN"),
            ("123 ???", "zh-CN", "zh-CN"),
            ("", "en-US", "en-US"),
        ];
        for (text, fallback, expected) in cases {
            assert_eq!(
                detect_locale(text, fallback),
                expected,
                "{text:?} with fallback {fallback}"
            );
        }
    }
}
