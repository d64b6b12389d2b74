//! Chinese script conversion, one for the whole program: the phrase matcher
//! reads traditional text as simplified with it, and voice input writes what
//! the recognizer heard in the script of the UI language with it.
//!
//! The conversion is OpenCC's (through the `zhconv` crate, with only its
//! Apache-2.0 OpenCC tables), plus a few fixes for words where OpenCC's
//! choice is not what readers in mainland China or Taiwan expect.
//!
//! ```
//! use warmline_core::script::{to_simplified, to_traditional};
//!
//! assert_eq!(to_simplified("轉人工，我的帳戶被盜了"), "转人工，我的账户被盗了");
//! assert_eq!(to_traditional("我的账户被盗了"), "我的帳戶被盜了");
//! assert_eq!(to_simplified("I need a human"), "I need a human");
//! ```

use zhconv::Variant;

/// Words OpenCC's tables write with a variant mainland readers do not expect:
/// it turns 帳 into 帐, while mainland usage (and bank statements) write 账.
const SIMPLIFIED_FIXES: &[(&str, &str)] = &[("帐户", "账户"), ("帐号", "账号"), ("帐单", "账单")];

/// The same words the other way: Taiwan writes 帳 where OpenCC gives 賬.
const TRADITIONAL_FIXES: &[(&str, &str)] = &[("賬戶", "帳戶"), ("賬號", "帳號"), ("賬單", "帳單")];

/// Which way Chinese text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChineseScript {
    /// Simplified characters, as in mainland China.
    Simplified,
    /// Traditional characters, as in Taiwan and Hong Kong.
    Traditional,
}

/// `text` in the given script; anything that is not Chinese is left as is.
pub fn convert(text: &str, script: ChineseScript) -> String {
    match script {
        ChineseScript::Simplified => to_simplified(text),
        ChineseScript::Traditional => to_traditional(text),
    }
}

/// `text` in simplified characters, with mainland word forms.
pub fn to_simplified(text: &str) -> String {
    fix(zhconv::zhconv(text, Variant::ZhCN), SIMPLIFIED_FIXES)
}

/// `text` in traditional characters, with Taiwan word forms.
pub fn to_traditional(text: &str) -> String {
    fix(zhconv::zhconv(text, Variant::ZhTW), TRADITIONAL_FIXES)
}

fn fix(text: String, fixes: &[(&str, &str)]) -> String {
    fixes
        .iter()
        .fold(text, |text, (from, to)| text.replace(from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_becomes_simplified_and_back() {
        assert_eq!(to_simplified("請幫我轉接真人客服"), "请帮我转接真人客服");
        assert_eq!(to_traditional("请帮我转接真人客服"), "請幫我轉接真人客服");
        assert_eq!(
            convert("銀行卡被盜", ChineseScript::Simplified),
            "银行卡被盗"
        );
        assert_eq!(
            convert("银行卡被盗", ChineseScript::Traditional),
            "銀行卡被盜"
        );
    }

    #[test]
    fn account_words_take_the_form_their_readers_expect() {
        assert_eq!(to_simplified("帳戶 帳號 帳單"), "账户 账号 账单");
        assert_eq!(to_traditional("账户 账号 账单"), "帳戶 帳號 帳單");
    }

    #[test]
    fn cantonese_characters_and_other_scripts_are_kept() {
        assert_eq!(to_simplified("我冇錢畀佢"), "我冇钱畀佢");
        assert_eq!(
            to_simplified("Human, please! ３１５"),
            "Human, please! ３１５"
        );
        assert_eq!(to_simplified(""), "");
    }
}
