import type { TFunction } from "i18next";
import { Plus, X } from "lucide-react";
import { useId, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../components/ui/button";
import { localizeFieldMessage } from "../lib/field-message";
import { ChoiceSelect, RawJsonEditor, ScalarInput } from "./field-controls";
import { childPath, formatJson, startingValue, type Issues } from "./form-value";
import {
  fieldOf,
  isRecord,
  numberKeyword,
  readScalar,
  type Field,
  type JsonSchema,
} from "./json-schema";
import { inputClass } from "./ui";

interface FieldProps {
  label: string;
  schema: JsonSchema;
  root: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  required: boolean;
  depth: number;
  path: string;
  issues: Issues;
}

type Translate = TFunction<"translation", "panel">;

const BOUND_KEYWORDS = [
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
] as const;

function typeLabel(field: Field): string {
  const { shape } = field;
  switch (shape.kind) {
    case "string":
      return shape.jsType ?? (shape.format ? `string · ${shape.format}` : "string");
    case "number":
      return shape.integer ? "integer" : "number";
    case "array":
      return "array";
    case "scalar":
      return shape.types.join(" | ");
    case "raw":
      return "json";
    default:
      return shape.kind;
  }
}

function hintsOf(field: Field, t: Translate): string[] {
  const { schema } = field;
  const hints: string[] = [];
  for (const keyword of BOUND_KEYWORDS) {
    const value = numberKeyword(schema, keyword);
    // zod states the safe-integer range on every integer; it says nothing worth showing.
    if (value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER) {
      hints.push(t(`hint.${keyword}`, { value }));
    }
  }
  if (field.nullable) hints.push(t("hint.nullable"));
  if ("default" in schema) {
    hints.push(t("hint.default", { value: formatJson(schema.default).replace(/\s+/g, " ") }));
  }
  return hints;
}

function FieldFrame(props: {
  label: string;
  htmlFor?: string;
  required: boolean;
  field: Field;
  issue: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const { t: translate } = useTranslation();
  const description =
    typeof props.field.schema.description === "string" ? props.field.schema.description : null;
  const hints = hintsOf(props.field, t);
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
        <label htmlFor={props.htmlFor} className="font-mono text-[13px] font-medium text-fg">
          {props.label}
          {props.required ? (
            <span className="ml-0.5 text-danger" title={t("field.required")}>
              *
            </span>
          ) : null}
        </label>
        <span className="font-mono text-[11px] text-fg-muted">{typeLabel(props.field)}</span>
        {hints.length > 0 ? (
          <span className="text-[11px] text-fg-subtle">{hints.join(" · ")}</span>
        ) : null}
      </div>
      {description ? <p className="text-xs text-fg-muted">{description}</p> : null}
      {props.children}
      {props.issue ? (
        <p className="text-xs text-danger" role="alert">
          {typeof props.issue === "string"
            ? localizeFieldMessage(props.issue, translate)
            : props.issue}
        </p>
      ) : null}
    </div>
  );
}

/** Empty text means "not given": `undefined`, or `null` for a required nullable field. */
function emptyValue(field: Field, required: boolean): unknown {
  return field.nullable && required ? null : undefined;
}

export function FieldEditor(props: FieldProps) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const id = useId();
  const field = fieldOf(props.schema, props.root, props.depth);
  const issue = props.issues.get(props.path);
  const issueText = !issue
    ? null
    : issue.kind === "required"
      ? t("field.requiredError")
      : issue.kind === "invalidJson"
        ? t("field.invalidJson", { reason: issue.reason ?? "" })
        : (issue.reason ?? null);
  const invalid = issue !== undefined;
  const frame = (children: ReactNode, htmlFor: string | undefined = id) => (
    <FieldFrame
      label={props.label}
      htmlFor={htmlFor}
      required={props.required}
      field={field}
      issue={issueText}
    >
      {children}
    </FieldFrame>
  );
  const { shape } = field;
  const empty = field.nullable && props.required ? null : undefined;
  const fallback: unknown = field.schema.default;
  const placeholder =
    typeof fallback === "string" || typeof fallback === "number" ? String(fallback) : undefined;

  switch (shape.kind) {
    case "string": {
      const inputType =
        shape.jsType === "Date" ? "datetime-local" : shape.format === "email" ? "email" : "text";
      return frame(
        <input
          id={id}
          data-field={props.path}
          type={inputType}
          placeholder={placeholder}
          className={inputClass}
          aria-invalid={invalid || undefined}
          value={typeof props.value === "string" ? props.value : ""}
          onChange={(event) =>
            props.onChange(
              event.target.value === "" ? emptyValue(field, props.required) : event.target.value,
            )
          }
        />,
      );
    }
    case "number":
      return frame(
        <input
          id={id}
          data-field={props.path}
          type="number"
          step={shape.integer ? 1 : "any"}
          placeholder={placeholder}
          className={inputClass}
          aria-invalid={invalid || undefined}
          value={typeof props.value === "number" ? props.value : ""}
          onChange={(event) => {
            const number = event.target.valueAsNumber;
            props.onChange(Number.isNaN(number) ? emptyValue(field, props.required) : number);
          }}
        />,
      );
    case "boolean":
      if (props.required && !field.nullable) {
        return frame(
          <label className="flex h-9 w-fit items-center gap-2 text-sm text-fg-muted">
            <input
              id={id}
              data-field={props.path}
              type="checkbox"
              className="size-4 accent-accent"
              checked={props.value === true}
              onChange={(event) => props.onChange(event.target.checked)}
            />
            {props.value === true ? t("field.true") : t("field.false")}
          </label>,
        );
      }
      return frame(
        <ChoiceSelect
          id={id}
          field={props.path}
          invalid={invalid}
          options={[true, false]}
          labels={[t("field.true"), t("field.false")]}
          value={props.value}
          onChange={props.onChange}
          empty={empty}
        />,
      );
    case "enum":
      return frame(
        <ChoiceSelect
          id={id}
          field={props.path}
          invalid={invalid}
          options={shape.options}
          labels={shape.options.map((option) =>
            typeof option === "string" ? option : JSON.stringify(option),
          )}
          value={props.value}
          onChange={props.onChange}
          empty={empty}
        />,
      );
    case "scalar":
      return frame(
        <ScalarInput
          id={id}
          field={props.path}
          invalid={invalid}
          value={props.value}
          onChange={(text) => props.onChange(text === "" ? empty : readScalar(text, shape.types))}
        />,
      );
    case "object":
      return frame(<ObjectEditor {...props} field={field} />, undefined);
    case "array":
      return frame(<ArrayEditor {...props} items={shape.items} />, undefined);
    case "raw":
      return frame(
        <RawJsonEditor
          id={id}
          field={props.path}
          value={props.value}
          onChange={props.onChange}
          invalid={invalid}
        />,
      );
  }
}

/** The fields of an object schema; used for the whole input and for nested objects. */
export function ObjectFields(props: Omit<FieldProps, "label" | "required"> & { field: Field }) {
  const { shape } = props.field;
  if (shape.kind !== "object") return null;
  const value = isRecord(props.value) ? props.value : {};
  return (
    <div className="space-y-4">
      {shape.properties.map(([name, property]) => (
        <FieldEditor
          key={name}
          label={name}
          schema={property}
          root={props.root}
          value={value[name]}
          onChange={(next) => {
            const updated: Record<string, unknown> = { ...value, [name]: next };
            if (next === undefined) delete updated[name];
            props.onChange(updated);
          }}
          required={shape.required.has(name)}
          depth={props.depth + 1}
          path={childPath(props.path, name)}
          issues={props.issues}
        />
      ))}
    </div>
  );
}

function ObjectEditor(props: FieldProps & { field: Field }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  if (!isRecord(props.value)) {
    return (
      <Button
        size="sm"
        onClick={() => props.onChange(startingValue(props.schema, props.root, props.depth))}
      >
        <Plus className="size-3.5" aria-hidden />
        {t("field.addObject", { name: props.label })}
      </Button>
    );
  }
  return (
    <div className="space-y-3 border-l-2 border-line pl-4">
      <ObjectFields {...props} />
      {props.required ? null : (
        <Button size="sm" variant="ghost" onClick={() => props.onChange(undefined)}>
          <X className="size-3.5" aria-hidden />
          {t("field.removeObject", { name: props.label })}
        </Button>
      )}
    </div>
  );
}

function ArrayEditor(props: FieldProps & { items: JsonSchema }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const items: unknown[] = Array.isArray(props.value) ? props.value : [];
  const replace = (next: unknown[]) => props.onChange(next);
  return (
    <div className="space-y-2 border-l-2 border-line pl-4">
      {items.map((item, index) => (
        <div key={index} className="flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <FieldEditor
              label={`[${index}]`}
              schema={props.items}
              root={props.root}
              value={item}
              onChange={(next) =>
                replace(items.map((existing, i) => (i === index ? next : existing)))
              }
              required
              depth={props.depth + 1}
              path={childPath(props.path, index)}
              issues={props.issues}
            />
          </div>
          <Button
            size="icon"
            variant="ghost"
            className="mt-6"
            aria-label={t("field.removeItem", { index })}
            title={t("field.removeItem", { index })}
            onClick={() => replace(items.filter((_, i) => i !== index))}
          >
            <X className="size-4" aria-hidden />
          </Button>
        </div>
      ))}
      <Button
        size="sm"
        onClick={() => replace([...items, startingValue(props.items, props.root, props.depth + 1)])}
      >
        <Plus className="size-3.5" aria-hidden />
        {t("field.addItem")}
      </Button>
    </div>
  );
}
