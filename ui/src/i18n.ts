// Localization: every word the window shows comes from the Fluent files in
// /locales/<locale>/*.ftl (one file per area: warmline.ftl for the chat,
// settings.ftl for the caregiver's settings, …), bundled at build time.
// demo.ftl holds the demo service's own replies, which Rust formats.
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { negotiateLanguages } from "@fluent/langneg";
import type { MessageArg } from "./bindings";
import { UNKNOWN_ERROR_MESSAGE_ID } from "./backend/types";

const SOURCES = import.meta.glob<string>("../../locales/*/*.ftl", {
  query: "?raw",
  import: "default",
  eager: true,
});

export const DEFAULT_LOCALE = "en-US";

/** Files the window does not read: the demo service's replies and what Warmline writes to Chatwoot agents, formatted by Rust. */
const NOT_FOR_THE_WINDOW = new Set(["demo.ftl", "chatwoot.ftl"]);

/** locale → its Fluent files as [file name, source], for every locale folder with a warmline.ftl. */
const SOURCE_BY_LOCALE = new Map<string, [string, string][]>();
for (const [path, source] of Object.entries(SOURCES).sort(([a], [b]) => a.localeCompare(b))) {
  const match = /\/locales\/([^/]+)\/([^/]+\.ftl)$/.exec(path);
  const locale = match?.[1];
  const file = match?.[2];
  if (locale === undefined || file === undefined || NOT_FOR_THE_WINDOW.has(file)) {
    continue;
  }
  const files = SOURCE_BY_LOCALE.get(locale) ?? [];
  files.push([file, source]);
  SOURCE_BY_LOCALE.set(locale, files);
}
for (const [locale, files] of SOURCE_BY_LOCALE) {
  if (!files.some(([file]) => file === "warmline.ftl")) {
    SOURCE_BY_LOCALE.delete(locale);
  }
}

export const AVAILABLE_LOCALES: readonly string[] = [...SOURCE_BY_LOCALE.keys()].sort();

/** Normalizes OS-style tags such as "zh_TW.UTF-8" to BCP 47 ("zh-TW"). */
function toBcp47(requested: string): string {
  return requested.trim().split(/[.@]/)[0]?.replace(/_/g, "-") ?? "";
}

/** Picks the supported locale that best serves `requested`; en-US otherwise. */
export function negotiateLocale(requested: string): string {
  const tag = toBcp47(requested);
  // langneg's likely-subtags matching sends zh-HK and zh-Hant to zh-TW, zh
  // and zh-SG to zh-CN.
  const [best] = negotiateLanguages(tag ? [tag] : [], AVAILABLE_LOCALES, {
    defaultLocale: DEFAULT_LOCALE,
    strategy: "lookup",
  });
  return best ?? DEFAULT_LOCALE;
}

function makeBundle(locale: string): FluentBundle | null {
  const files = SOURCE_BY_LOCALE.get(locale);
  if (files === undefined) {
    return null;
  }
  const bundle = new FluentBundle(locale, { useIsolating: false });
  for (const [file, source] of files) {
    // Two files defining one id is an error Fluent reports here.
    const errors = bundle.addResource(new FluentResource(source));
    for (const error of errors) {
      console.warn(`warmline: ${locale}/${file}: ${error.message}`);
    }
  }
  return bundle;
}

export type MessageArgs = Record<string, MessageArg>;

/** Fluent has no null; a missing value is shown as nothing rather than as "{$name}". */
function fluentArgs(args: MessageArgs): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(args)) {
    out[key] = value ?? "";
  }
  return out;
}

export interface Localizer {
  /** The active locale, e.g. "zh-CN". */
  readonly locale: string;
  /** Formats a message; an unknown id yields the generic error message. */
  format(id: string, args?: MessageArgs): string;
  /** True if the message exists in the active locale or in en-US. */
  has(id: string): boolean;
  /** A clock time such as "14:05", in the active locale's style. */
  time(timestamp: number): string;
}

export function createLocalizer(requested: string): Localizer {
  const locale = negotiateLocale(requested);
  const chain = [...new Set([locale, DEFAULT_LOCALE])];
  const bundles = chain.flatMap((l) => {
    const bundle = makeBundle(l);
    return bundle ? [bundle] : [];
  });
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });

  function lookup(id: string, args: MessageArgs | undefined): string | null {
    for (const bundle of bundles) {
      const message = bundle.getMessage(id);
      if (message?.value) {
        const errors: Error[] = [];
        const text = bundle.formatPattern(message.value, args ? fluentArgs(args) : null, errors);
        for (const error of errors) {
          console.warn(`warmline: ${bundle.locales[0] ?? "?"}: ${id}: ${error.message}`);
        }
        return text;
      }
    }
    return null;
  }

  return {
    locale,
    format(id, args) {
      const text = lookup(id, args);
      if (text !== null) {
        return text;
      }
      console.warn(`warmline: no Fluent message "${id}"`);
      return lookup(UNKNOWN_ERROR_MESSAGE_ID, undefined) ?? "";
    },
    has(id) {
      return bundles.some((bundle) => bundle.getMessage(id)?.value != null);
    },
    time(timestamp) {
      return timeFormat.format(new Date(timestamp));
    },
  };
}
