// Labelled inputs of the settings area, each with its own error beside it
// (aria-invalid + aria-describedby, so a screen reader reads it too).
import type { FieldProblem } from "../../bindings";
import type { Localizer } from "../../i18n";

/** Field key → the Fluent id of what is wrong with it. */
export type FieldErrors = Record<string, string>;

/**
 * The problems whose field starts with `prefix`, keyed by the rest
 * (`profiles[2].backend.url` under `profiles[2].` → `backend.url`).
 */
export function errorsUnder(problems: readonly FieldProblem[], prefix = ""): FieldErrors {
  const out: FieldErrors = {};
  for (const problem of problems) {
    if (problem.field.startsWith(prefix)) {
      out[problem.field.slice(prefix.length)] ??= problem.messageId;
    }
  }
  return out;
}

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  type?: "text" | "password" | "url";
  t: Localizer;
}) {
  const { id, error, hint, t } = props;
  const described = [hint !== undefined ? `${id}-hint` : null, error !== undefined ? `${id}-error` : null]
    .filter((x) => x !== null)
    .join(" ");
  const common = {
    id,
    class: "field__input",
    value: props.value,
    autocomplete: "off",
    spellcheck: false,
    inputMode: props.type === "url" ? ("url" as const) : undefined,
    "aria-invalid": error !== undefined ? ("true" as const) : ("false" as const),
    "aria-describedby": described === "" ? undefined : described,
    onInput: (event: { currentTarget: HTMLInputElement }) => {
      props.onInput(event.currentTarget.value);
    },
  };
  return (
    <div class={`field${error !== undefined ? " field--invalid" : ""}`}>
      <label class="field__label" for={id}>
        {props.label}
      </label>
      {hint !== undefined && (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      )}
      {props.type === "password" ? <input type="password" {...common} /> : <input type="text" {...common} />}
      {error !== undefined && (
        <p id={`${id}-error`} class="field__error" data-message-id={error}>
          {t.format(error)}
        </p>
      )}
    </div>
  );
}

export function CheckboxField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div class="field field--check">
      <input
        id={props.id}
        class="field__checkbox"
        type="checkbox"
        checked={props.checked}
        onChange={(event) => { props.onChange(event.currentTarget.checked); }}
      />
      <label class="field__label" for={props.id}>
        {props.label}
      </label>
    </div>
  );
}
