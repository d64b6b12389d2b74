// The fields of each kind of backend profile, as the settings area asks for
// them. They mirror the Rust profile definitions
// (warmline-backends: RelaySettings, MatrixSettings, ChatwootSettings,
// TieredSettings); Rust validates every field, this only lays them out.
import type { BackendSettings } from "../../bindings";

export type ProfileKind = BackendSettings["kind"];

/** The kinds a caregiver can add (the demo always exists). */
export const ADDABLE_KINDS: readonly ProfileKind[] = ["relay", "matrix", "chatwoot", "tiered"];

/** The kinds a person can answer through, behind an automatic assistant. */
export const HUMAN_KINDS: readonly ProfileKind[] = ["relay", "matrix", "chatwoot"];

/** One plain field: where it is in `backend`, how it is entered. */
export interface FieldDef {
  /** Dotted path inside `profile.backend` (`url`, `bot.model`, `human.url`). */
  path: string;
  /** Fluent id of its label. */
  labelId: string;
  /** `list`: comma-separated words; `path`: a file's full location;
   * `check`: on or off (a boolean). */
  input: "text" | "list" | "path" | "url" | "check";
  optional?: boolean;
  /** For a `check` field Rust turns on when it is absent (its serde default). */
  defaultOn?: boolean;
}

const RELAY: FieldDef[] = [
  { path: "url", labelId: "field-relay-url", input: "url" },
  { path: "extraCa", labelId: "field-extra-ca", input: "path", optional: true },
];
const MATRIX: FieldDef[] = [
  { path: "homeserver", labelId: "field-matrix-homeserver", input: "url" },
  { path: "user", labelId: "field-matrix-user", input: "text" },
  { path: "room", labelId: "field-matrix-room", input: "text", optional: true },
  { path: "supportAccount", labelId: "field-matrix-support-account", input: "text", optional: true },
  { path: "agents", labelId: "field-matrix-agents", input: "list", optional: true },
  { path: "extraCa", labelId: "field-extra-ca", input: "path", optional: true },
];
const CHATWOOT: FieldDef[] = [
  { path: "serverUrl", labelId: "field-chatwoot-server-url", input: "url" },
  { path: "inboxIdentifier", labelId: "field-chatwoot-inbox", input: "text" },
  { path: "contactName", labelId: "field-chatwoot-contact-name", input: "text" },
  { path: "contactIdentifier", labelId: "field-chatwoot-contact-identifier", input: "text", optional: true },
  { path: "agentLocale", labelId: "field-chatwoot-agent-locale", input: "text", optional: true },
];
const BOT: FieldDef[] = [
  { path: "bot.baseUrl", labelId: "field-openai-base-url", input: "url" },
  { path: "bot.model", labelId: "field-openai-model", input: "text" },
  { path: "bot.assistantName", labelId: "field-openai-assistant-name", input: "text", optional: true },
  { path: "bot.handoffSummary", labelId: "field-openai-handoff-summary", input: "check", optional: true },
  { path: "bot.summaryLanguage", labelId: "field-openai-summary-language", input: "text", optional: true },
  { path: "bot.secondOpinion", labelId: "field-openai-second-opinion", input: "check", optional: true, defaultOn: true },
];

function prefixed(prefix: string, fields: FieldDef[]): FieldDef[] {
  return fields.map((field) => ({ ...field, path: `${prefix}.${field.path}` }));
}

/** The plain fields of `backend`, in the order they are asked for. */
export function fieldsOf(backend: BackendSettings): FieldDef[] {
  switch (backend.kind) {
    case "demo":
      return [];
    case "relay":
      return RELAY;
    case "matrix":
      return MATRIX;
    case "chatwoot":
      return CHATWOOT;
    case "tiered":
      return [...BOT, ...prefixed("human", fieldsOf(backend.human))];
  }
}

/** The secrets of `backend` (names as in Rust's `secret_names`). */
export function secretsOf(backend: BackendSettings): string[] {
  switch (backend.kind) {
    case "demo":
      return [];
    case "relay":
      return ["token"];
    case "matrix":
      return ["accessToken", "password"];
    case "chatwoot":
      return ["hmac-token"];
    case "tiered":
      return ["apiKey", ...secretsOf(backend.human)];
  }
}

/** A new, empty backend of `kind`. */
export function emptyBackend(kind: ProfileKind): BackendSettings {
  switch (kind) {
    case "demo":
      return { kind: "demo" };
    case "relay":
      return { kind: "relay", url: "" };
    case "matrix":
      return { kind: "matrix", homeserver: "", user: "" };
    case "chatwoot":
      return { kind: "chatwoot", serverUrl: "", inboxIdentifier: "", contactName: "" };
    case "tiered":
      return { kind: "tiered", bot: { baseUrl: "", model: "" }, human: { kind: "relay", url: "" } };
  }
}

/** A new profile id: file-name safe, never reused. */
export function newProfileId(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return `p-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

type Json = Record<string, unknown>;

/** A field's value as the form shows it. */
export function readField(backend: BackendSettings, field: FieldDef): string {
  let node: unknown = backend;
  for (const key of field.path.split(".")) {
    node = typeof node === "object" && node !== null ? (node as Json)[key] : undefined;
  }
  if (Array.isArray(node)) return node.join(", ");
  return typeof node === "string" || typeof node === "number" ? String(node) : "";
}

/** A `check` field's value: off unless set. */
export function readCheck(backend: BackendSettings, field: FieldDef): boolean {
  let node: unknown = backend;
  for (const key of field.path.split(".")) {
    node = typeof node === "object" && node !== null ? (node as Json)[key] : undefined;
  }
  return node === undefined ? field.defaultOn === true : node === true;
}

/** `backend` with a `check` field turned on or off. */
export function writeCheck(backend: BackendSettings, field: FieldDef, on: boolean): BackendSettings {
  const copy = structuredClone(backend) as unknown as Json;
  const keys = field.path.split(".");
  const last = keys.pop() ?? "";
  let node = copy;
  for (const key of keys) node = node[key] as Json;
  node[last] = on;
  return copy as unknown as BackendSettings;
}

/** `backend` with one field set from the form; an empty optional field is left out. */
export function writeField(backend: BackendSettings, field: FieldDef, text: string): BackendSettings {
  const copy = structuredClone(backend) as unknown as Json;
  const keys = field.path.split(".");
  const last = keys.pop() ?? "";
  let node = copy;
  for (const key of keys) node = node[key] as Json;
  const value = field.input === "list" ? text.split(",").map((w) => w.trim()).filter((w) => w !== "") : text;
  if (field.optional === true && (value === "" || (Array.isArray(value) && value.length === 0))) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    delete node[last];
  } else {
    node[last] = value;
  }
  return copy as unknown as BackendSettings;
}

/** The human tier of a tiered profile switched to another kind. */
export function withHumanKind(backend: BackendSettings, kind: ProfileKind): BackendSettings {
  if (backend.kind !== "tiered") return backend;
  return { ...backend, human: emptyBackend(kind) };
}
