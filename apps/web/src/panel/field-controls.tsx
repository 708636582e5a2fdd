/** The leaf controls of a procedure form: selects, mixed-type text and raw JSON. */
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { formatJson, InvalidJson, parseJsonText } from "./form-value";
import { inputClass, textareaClass } from "./ui";

/** Keeps the typed text (so "1." can become "1.5") and reports every change. */
export function ScalarInput(props: {
  id: string;
  field: string;
  invalid: boolean;
  value: unknown;
  onChange: (text: string) => void;
}) {
  const [text, setText] = useState(() =>
    typeof props.value === "string" ||
    typeof props.value === "number" ||
    typeof props.value === "boolean"
      ? String(props.value)
      : "",
  );
  return (
    <input
      id={props.id}
      data-field={props.field}
      type="text"
      className={inputClass}
      aria-invalid={props.invalid || undefined}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        props.onChange(event.target.value);
      }}
    />
  );
}

export function ChoiceSelect<T>(props: {
  id: string;
  field: string;
  invalid: boolean;
  options: readonly T[];
  labels: string[];
  value: unknown;
  empty: null | undefined;
  onChange: (value: T | null | undefined) => void;
}) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const selected = props.options.findIndex((option) => Object.is(option, props.value));
  return (
    <select
      id={props.id}
      data-field={props.field}
      className={inputClass}
      aria-invalid={props.invalid || undefined}
      value={selected === -1 ? "" : String(selected)}
      onChange={(event) => {
        const index = Number(event.target.value);
        props.onChange(event.target.value === "" ? props.empty : props.options[index]);
      }}
    >
      <option value="">{t("field.unset")}</option>
      {props.options.map((option, index) => (
        <option key={props.labels[index] ?? index} value={String(index)}>
          {props.labels[index]}
        </option>
      ))}
    </select>
  );
}

/** Anything the form has no widget for is typed as JSON. */
export function RawJsonEditor(props: {
  id?: string;
  field?: string;
  value: unknown;
  onChange: (value: unknown) => void;
  invalid: boolean;
  rows?: number;
}) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const [text, setText] = useState(() =>
    props.value instanceof InvalidJson
      ? props.value.text
      : props.value === undefined
        ? ""
        : formatJson(props.value),
  );
  return (
    <textarea
      id={props.id}
      data-field={props.field}
      spellCheck={false}
      rows={props.rows ?? 4}
      placeholder={t("field.jsonPlaceholder")}
      className={textareaClass}
      aria-invalid={props.invalid || undefined}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        props.onChange(parseJsonText(event.target.value));
      }}
    />
  );
}
