//! The demo assistant's knowledge: customer-service topics, the words that
//! point to each, and the Fluent message that answers it.

use super::spelling;

/// One topic the demo assistant can answer.
struct Topic {
    /// Fluent id of the answer in `locales/*/demo.ftl`.
    answer: &'static str,
    /// Lowercase English words or phrases (matched as whole words) and
    /// Chinese words in both scripts (matched anywhere).
    keywords: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        answer: "demo-faq-suspicious-charge",
        keywords: &[
            "suspicious",
            "don't recognise",
            "don't recognize",
            "do not recognise",
            "do not recognize",
            "unknown charge",
            "unauthorised",
            "unauthorized",
            "didn't buy",
            "did not buy",
            "strange charge",
            "charged twice",
            "扣款",
            "盗刷",
            "盜刷",
            "可疑",
            "不认识的",
            "不認識的",
            "陌生",
            "乱扣",
            "亂扣",
        ],
    },
    Topic {
        answer: "demo-faq-lost-card",
        keywords: &[
            "lost my card",
            "lost card",
            "stolen card",
            "card stolen",
            "card was stolen",
            "card is lost",
            "block my card",
            "卡丢了",
            "卡丟了",
            "丢了卡",
            "丟了卡",
            "挂失",
            "掛失",
            "卡被偷",
            "冻结",
            "凍結",
            "補卡",
            "补卡",
        ],
    },
    // Before the plain balance: "my bill is too high" asks what to do.
    Topic {
        answer: "demo-faq-bill-too-high",
        keywords: &[
            "too high",
            "too much",
            "overcharged",
            "over charged",
            "too expensive",
            "wrong bill",
            "bill is wrong",
            "higher than usual",
            "twice as high",
            "太高",
            "太贵",
            "太貴",
            "收多了",
            "多收",
            "多扣",
            "账单不对",
            "帳單不對",
        ],
    },
    Topic {
        answer: "demo-faq-balance",
        keywords: &[
            "bill",
            "balance",
            "invoice",
            "owe",
            "statement",
            "how much",
            "账单",
            "帳單",
            "余额",
            "餘額",
            "话费",
            "話費",
            "欠费",
            "欠費",
            "多少钱",
            "多少錢",
        ],
    },
    Topic {
        answer: "demo-faq-delivery",
        keywords: &[
            "delivery",
            "deliver",
            "parcel",
            "package",
            "shipping",
            "shipment",
            "tracking",
            "where is my order",
            "arrive",
            "快递",
            "快遞",
            "包裹",
            "物流",
            "送货",
            "送貨",
            "到货",
            "到貨",
            "配送",
            "寄到",
        ],
    },
    Topic {
        answer: "demo-faq-refund",
        keywords: &[
            "refund",
            "money back",
            "return",
            "退款",
            "退钱",
            "退錢",
            "退货",
            "退貨",
        ],
    },
    Topic {
        answer: "demo-faq-password",
        keywords: &[
            "password",
            "log in",
            "login",
            "sign in",
            "locked out",
            "can't get in",
            "密码",
            "密碼",
            "登录",
            "登錄",
            "登入",
            "登陆",
        ],
    },
    Topic {
        answer: "demo-faq-hours",
        keywords: &[
            "opening hours",
            "open",
            "hours",
            "closing time",
            "close",
            "when are you",
            "营业时间",
            "營業時間",
            "几点",
            "幾點",
            "开门",
            "開門",
            "上班时间",
            "上班時間",
            "幾時",
        ],
    },
    Topic {
        answer: "demo-faq-address",
        keywords: &["address", "moved", "move house", "moving", "地址", "搬家"],
    },
    Topic {
        answer: "demo-faq-cancel",
        keywords: &[
            "cancel",
            "unsubscribe",
            "stop my subscription",
            "取消",
            "退订",
            "退訂",
        ],
    },
    Topic {
        answer: "demo-faq-payment",
        keywords: &[
            "pay",
            "payment",
            "paying",
            "付款",
            "支付",
            "怎么付",
            "怎麼付",
            "付钱",
            "付錢",
            "交费",
            "交費",
        ],
    },
    Topic {
        answer: "demo-faq-outage",
        keywords: &[
            "not working",
            "doesn't work",
            "does not work",
            "no internet",
            "internet",
            "broken",
            "outage",
            "no signal",
            "wifi",
            "router",
            "断网",
            "斷網",
            "没网",
            "沒網",
            "上不了网",
            "上不了網",
            "信号",
            "訊號",
            "信號",
            "网络",
            "網路",
            "網絡",
            "坏了",
            "壞了",
            "用唔到",
        ],
    },
    Topic {
        answer: "demo-faq-contact",
        keywords: &[
            "phone number",
            "call you",
            "telephone",
            "contact",
            "电话",
            "電話",
            "联系",
            "聯絡",
            "聯繫",
        ],
    },
    Topic {
        answer: "demo-faq-thanks",
        keywords: &[
            "thanks",
            "thank you",
            "谢谢",
            "謝謝",
            "多谢",
            "多謝",
            "唔該",
            "感谢",
            "感謝",
        ],
    },
    Topic {
        answer: "demo-faq-greeting",
        keywords: &[
            "hello",
            "hi",
            "hey",
            "good morning",
            "good afternoon",
            "good evening",
            "你好",
            "您好",
            "早上好",
            "早安",
            "哈囉",
            "哈喽",
            "喂",
        ],
    },
];

/// The Fluent id of the demo's answer to `text`, or `None` when the demo
/// does not understand it.
///
/// The topic with the most matching keywords wins; on a tie the earlier (more
/// urgent) topic in the table wins.
pub fn answer_for(text: &str) -> Option<&'static str> {
    let lowered = text.to_lowercase();
    // Pad and split on anything that is not a letter, digit or apostrophe so
    // that " hi " never matches inside "this".
    let words: String = lowered
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words = format!(
        " {} ",
        words.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    let words = spelling::correct(&words);

    let mut best: Option<(usize, &'static str)> = None;
    for topic in TOPICS {
        let score = topic
            .keywords
            .iter()
            .filter(|keyword| matches_keyword(&lowered, &words, keyword))
            .count();
        if score > 0 && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, topic.answer));
        }
    }
    best.map(|(_, answer)| answer)
}

fn matches_keyword(lowered: &str, words: &str, keyword: &str) -> bool {
    if keyword.is_ascii() {
        // Whole words, allowing a plural or third-person "s", or a long
        // word one letter off.
        words.contains(&format!(" {keyword} "))
            || words.contains(&format!(" {keyword}s "))
            || words
                .split_whitespace()
                .any(|word| spelling::nearly(word, keyword))
    } else {
        lowered.contains(keyword)
    }
}

/// Every answer id, for tests that check each one is translated.
#[cfg(test)]
pub fn all_answers() -> impl Iterator<Item = &'static str> {
    TOPICS.iter().map(|topic| topic.answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_at_least_ten_customer_service_topics() {
        let service_topics = all_answers()
            .filter(|a| !matches!(*a, "demo-faq-greeting" | "demo-faq-thanks"))
            .count();
        assert!(service_topics >= 10, "only {service_topics} topics");
    }

    #[test]
    fn answers_realistic_questions_in_three_scripts() {
        let cases = [
            ("How much is my bill this month?", "demo-faq-balance"),
            ("where is my parcel", "demo-faq-delivery"),
            ("I want a refund please", "demo-faq-refund"),
            ("I forgot my password", "demo-faq-password"),
            ("What are your opening hours?", "demo-faq-hours"),
            ("I have moved, new address", "demo-faq-address"),
            (
                "There is a charge I don't recognise on my card",
                "demo-faq-suspicious-charge",
            ),
            ("I lost my card", "demo-faq-lost-card"),
            ("My internet is not working", "demo-faq-outage"),
            ("What is your phone number?", "demo-faq-contact"),
            ("hello", "demo-faq-greeting"),
            ("Thank you!", "demo-faq-thanks"),
            ("我的账单是多少", "demo-faq-balance"),
            ("我的快递到哪里了", "demo-faq-delivery"),
            ("我要退款", "demo-faq-refund"),
            ("忘记密码了怎么办", "demo-faq-password"),
            ("你们几点开门", "demo-faq-hours"),
            ("有一笔不认识的扣款", "demo-faq-suspicious-charge"),
            ("我的包裹到哪裡了", "demo-faq-delivery"),
            ("我想改地址", "demo-faq-address"),
            ("我的帳單是多少錢", "demo-faq-balance"),
            ("部電話用唔到", "demo-faq-outage"),
        ];
        for (text, expected) in cases {
            assert_eq!(answer_for(text), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn says_plainly_when_it_does_not_understand() {
        for text in [
            "asdf qwerty",
            "the weather is nice",
            "今天天气很好",
            "   ",
            "this is it",
        ] {
            assert_eq!(answer_for(text), None, "{text:?}");
        }
    }
}
