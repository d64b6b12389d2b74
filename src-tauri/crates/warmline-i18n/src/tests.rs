use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;
use fluent_syntax::parser;

use super::*;

/// Message id (or `id.attribute`) -> the variables its pattern uses.
type Catalog = BTreeMap<String, BTreeSet<String>>;

fn collect_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            collect_expression(expression, out);
        }
    }
}

fn collect_expression(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            collect_inline(selector, out);
            for variant in variants {
                collect_variables(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => collect_inline(inline, out),
    }
}

fn collect_inline(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => collect_expression(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                collect_inline(argument, out);
            }
        }
        _ => {}
    }
}

fn catalog(locale: &str, file: &str) -> Catalog {
    let (_, _, source) = SOURCES
        .iter()
        .find(|(l, f, _)| *l == locale && *f == file)
        .unwrap_or_else(|| panic!("{locale}/{file} is not embedded"));
    let resource = parser::parse(*source)
        .unwrap_or_else(|(_, errors)| panic!("{locale}/{file} does not parse: {errors:?}"));
    let mut catalog = Catalog::new();
    for entry in resource.body {
        if let ast::Entry::Message(message) = entry {
            let mut variables = BTreeSet::new();
            if let Some(value) = &message.value {
                collect_variables(value, &mut variables);
            }
            catalog.insert(message.id.name.to_owned(), variables);
            for attribute in &message.attributes {
                let mut variables = BTreeSet::new();
                collect_variables(&attribute.value, &mut variables);
                catalog.insert(
                    format!("{}.{}", message.id.name, attribute.id.name),
                    variables,
                );
            }
        }
    }
    catalog
}

fn files_of(locale: &str) -> BTreeSet<&'static str> {
    SOURCES
        .iter()
        .filter(|(l, _, _)| *l == locale)
        .map(|(_, f, _)| *f)
        .collect()
}

#[test]
fn every_file_of_every_locale_folder_is_embedded() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../locales");
    for locale in SUPPORTED_LOCALES {
        let on_disk: BTreeSet<String> = std::fs::read_dir(root.join(locale))
            .unwrap_or_else(|error| panic!("reading locales/{locale}: {error}"))
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".ftl"))
            .collect();
        let embedded: BTreeSet<String> = files_of(locale).into_iter().map(str::to_owned).collect();
        assert_eq!(
            embedded, on_disk,
            "locales/{locale}: add new .ftl files to locale_files! in lib.rs"
        );
    }
}

#[test]
fn every_locale_has_every_file_of_the_reference() {
    let reference = files_of(FALLBACK_LOCALE);
    for locale in SUPPORTED_LOCALES {
        assert_eq!(files_of(locale), reference, "files of {locale}");
    }
}

#[test]
fn every_locale_has_every_message_and_placeable_of_the_reference() {
    for file in files_of(FALLBACK_LOCALE) {
        let reference = catalog(FALLBACK_LOCALE, file);
        assert!(!reference.is_empty(), "{file} has no messages");
        for locale in SUPPORTED_LOCALES {
            let translated = catalog(locale, file);
            let missing: Vec<_> = reference
                .keys()
                .filter(|id| !translated.contains_key(*id))
                .collect();
            assert!(missing.is_empty(), "{locale}/{file} lacks {missing:?}");
            let extra: Vec<_> = translated
                .keys()
                .filter(|id| !reference.contains_key(*id))
                .collect();
            assert!(
                extra.is_empty(),
                "{locale}/{file} has ids en-US lacks: {extra:?}"
            );
            for (id, variables) in &reference {
                assert_eq!(
                    &translated[id], variables,
                    "{locale}/{file}: placeables of {id} differ from en-US"
                );
            }
        }
    }
}

#[test]
fn every_error_code_has_a_message_in_every_locale() {
    for locale in SUPPORTED_LOCALES {
        // The window's files: the chat's own and read aloud's.
        let mut messages = catalog(locale, "warmline.ftl");
        messages.extend(catalog(locale, "speech.ftl"));
        for code in warmline_core::ErrorCode::ALL {
            assert!(
                messages.contains_key(code.message_id()),
                "{locale} lacks {} for {code:?}",
                code.message_id()
            );
        }
    }
}

#[test]
fn negotiates_chinese_scripts_and_falls_back_to_english() {
    let cases = [
        ("en-US", "en-US"),
        ("en_GB.UTF-8", "en-US"),
        ("fr-FR", "en-US"),
        ("", "en-US"),
        ("C", "en-US"),
        ("zh-CN", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-Hans-SG", "zh-CN"),
        ("zh-TW", "zh-TW"),
        ("zh_HK.UTF-8", "zh-TW"),
        ("zh-Hant", "zh-TW"),
        ("yue", "zh-TW"),
    ];
    for (requested, expected) in cases {
        assert_eq!(negotiate(requested), expected, "negotiate({requested:?})");
    }
}

#[test]
fn formats_plural_queue_positions_in_each_language() {
    let mut args = FluentArgs::new();
    args.set("position", 3);
    assert_eq!(
        Localizer::new("en-US").format("handoff-queued-position", Some(&args)),
        "You are number 3 in line."
    );
    assert_eq!(
        Localizer::new("zh-CN").format("handoff-queued-position", Some(&args)),
        "您排在第 3 位。"
    );
    let mut next = FluentArgs::new();
    next.set("position", 1);
    assert_eq!(
        Localizer::new("en-US").format("handoff-queued-position", Some(&next)),
        "You are next in line."
    );
}

#[test]
fn names_without_isolation_marks() {
    let mut args = FluentArgs::new();
    args.set("name", "Mei");
    let text = Localizer::new("en-US").format("notice-agent-joined", Some(&args));
    assert_eq!(text, "Mei joined the conversation.");
}

#[test]
fn a_missing_message_falls_back_to_english_then_to_its_id() {
    let localizer = Localizer::new("zh-TW");
    assert_eq!(localizer.locale(), "zh-TW");
    assert!(localizer.has("person-button"));
    assert!(!localizer.has("no-such-message"));
    assert_eq!(localizer.format("no-such-message", None), "no-such-message");
}
