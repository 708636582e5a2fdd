import { Play, Radio, RotateCcw, Square } from "lucide-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../components/ui/button";
import { Card } from "../components/ui/card";
import { cx } from "../lib/cx";
import {
  findIssues,
  formatJson,
  initialInput,
  InvalidJson,
  parseJsonText,
  serverIssues,
  toJsonText,
  toWireInput,
  type Issues,
} from "./form-value";
import { fieldOf, type PanelProcedure } from "./json-schema";
import type { PanelClient } from "./panel-client";
import { CallResultView, StreamView } from "./result-view";
import { FieldEditor, ObjectFields } from "./schema-form";
import { CardTitle, codeBlockClass, KindBadge, textareaClass } from "./ui";
import { useProcedureRunner } from "./use-procedure-runner";

type Mode = "form" | "json";

const NO_ISSUES: Issues = new Map();

function InputForm(props: {
  procedure: PanelProcedure;
  value: unknown;
  onChange: (value: unknown) => void;
  issues: Issues;
}) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const schema = props.procedure.input;
  if (!schema) return <p className="text-sm text-fg-subtle">{t("input.none")}</p>;
  const field = fieldOf(schema, schema, 0);
  if (field.shape.kind === "object") {
    return (
      <ObjectFields
        field={field}
        schema={schema}
        root={schema}
        value={props.value}
        onChange={props.onChange}
        depth={0}
        path=""
        issues={props.issues}
      />
    );
  }
  return (
    <FieldEditor
      label={t("input.value")}
      schema={schema}
      root={schema}
      value={props.value}
      onChange={props.onChange}
      required={false}
      depth={0}
      path=""
      issues={props.issues}
    />
  );
}

function ModeTabs({ mode, onMode }: { mode: Mode; onMode: (mode: Mode) => void }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  return (
    <div className="flex rounded-lg bg-muted p-0.5" role="tablist">
      {(["form", "json"] as const).map((tab) => (
        <button
          key={tab}
          type="button"
          role="tab"
          aria-selected={mode === tab}
          onClick={() => onMode(tab)}
          className={cx(
            "cursor-pointer rounded-md px-2.5 py-1 text-xs font-medium transition-colors",
            mode === tab ? "bg-surface text-fg shadow-xs" : "text-fg-muted hover:text-fg",
          )}
        >
          {t(`input.${tab}`)}
        </button>
      ))}
    </div>
  );
}

function SchemaDetails({ procedure }: { procedure: PanelProcedure }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const blocks = [
    { label: t("schema.input"), schema: procedure.input },
    { label: t("schema.output"), schema: procedure.output },
  ];
  return (
    <details className="rounded-xl border border-line bg-surface shadow-xs">
      <summary className="cursor-pointer px-5 py-3 text-sm font-semibold text-fg select-none">
        {t("schema.title")}
      </summary>
      <div className="grid gap-4 border-t border-line p-5 lg:grid-cols-2">
        {blocks.map((block) => (
          <div key={block.label} className="min-w-0 space-y-1.5">
            <p className="text-xs font-medium text-fg-muted">{block.label}</p>
            <pre className={codeBlockClass}>
              {block.schema ? formatJson(block.schema) : t("schema.none")}
            </pre>
          </div>
        ))}
      </div>
    </details>
  );
}

/** One procedure: its input form, the run (or subscribe) button and what came back. */
export function ProcedureView({
  procedure,
  client,
}: {
  procedure: PanelProcedure;
  client: PanelClient;
}) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const [mode, setMode] = useState<Mode>("form");
  const [value, setValue] = useState<unknown>(() => initialInput(procedure.input));
  const [jsonText, setJsonText] = useState("");
  const [showIssues, setShowIssues] = useState(false);
  // Remounts the form after a reset or a switch back from the JSON editor.
  const [formKey, setFormKey] = useState(0);
  const { call, stream, run, stop } = useProcedureRunner(client, procedure.path, procedure.type);

  const current = mode === "json" ? parseJsonText(jsonText) : value;
  const issues = findIssues(procedure.input, current);
  const isSubscription = procedure.type === "subscription";
  const streaming =
    stream !== null && ["connecting", "live", "reconnecting"].includes(stream.status);
  const summary = procedure.meta?.description ?? procedure.meta?.summary;

  const switchMode = (next: Mode) => {
    if (next === mode) return;
    if (next === "json") {
      setJsonText(toJsonText(value));
    } else {
      const parsed = parseJsonText(jsonText);
      if (parsed instanceof InvalidJson) {
        setShowIssues(true);
        return;
      }
      setValue(parsed === undefined ? initialInput(procedure.input) : parsed);
      setFormKey((key) => key + 1);
    }
    setMode(next);
  };

  const reset = () => {
    setValue(initialInput(procedure.input));
    setJsonText("");
    setShowIssues(false);
    setFormKey((key) => key + 1);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (issues.size > 0) {
      setShowIssues(true);
      return;
    }
    setShowIssues(false);
    void run(toWireInput(procedure.input, current));
  };

  // Field errors from the last call show under their fields until the next run.
  const shownIssues: Issues = new Map([
    ...(call.status === "error" ? serverIssues(call.error.details) : NO_ISSUES),
    ...(showIssues ? issues : NO_ISSUES),
  ]);
  const issueList = [...issues.keys()].map((path) => path || t("input.value")).join(", ");

  return (
    <div className="space-y-5">
      <div className="space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <h2
            className="font-mono text-lg font-semibold text-fg"
            data-testid="panel-procedure-path"
          >
            {procedure.path}
          </h2>
          <KindBadge kind={procedure.type} />
        </div>
        {typeof summary === "string" ? <p className="text-sm text-fg-muted">{summary}</p> : null}
      </div>

      <form noValidate onSubmit={submit}>
        <Card>
          <CardTitle
            title={t("input.title")}
            actions={procedure.input ? <ModeTabs mode={mode} onMode={switchMode} /> : null}
          />
          <div className="space-y-4 px-5 py-4">
            {mode === "form" ? (
              <InputForm
                key={formKey}
                procedure={procedure}
                value={value}
                onChange={setValue}
                issues={shownIssues}
              />
            ) : (
              <div className="space-y-1.5">
                <textarea
                  aria-label={t("input.json")}
                  aria-invalid={(showIssues && current instanceof InvalidJson) || undefined}
                  spellCheck={false}
                  rows={10}
                  className={textareaClass}
                  placeholder={t("field.jsonPlaceholder")}
                  value={jsonText}
                  onChange={(event) => setJsonText(event.target.value)}
                />
                {showIssues && current instanceof InvalidJson ? (
                  <p className="text-xs text-danger">
                    {t("field.invalidJson", { reason: current.reason })}
                  </p>
                ) : null}
              </div>
            )}
            {showIssues && issues.size > 0 ? (
              <p role="alert" className="text-sm text-danger">
                {t("input.fixIssues", { fields: issueList })}
              </p>
            ) : null}
          </div>
          <footer className="flex flex-wrap items-center gap-2 border-t border-line px-5 py-3">
            {isSubscription && streaming ? (
              // Distinct keys: reusing one element would turn the clicked Stop into a submit button
              // before the click's default action, which would subscribe again.
              <Button key="stop" variant="danger" onClick={stop}>
                <Square className="size-3.5" aria-hidden />
                {t("action.stop")}
              </Button>
            ) : (
              <Button key="run" type="submit" variant="primary" loading={call.status === "running"}>
                {call.status === "running" ? null : isSubscription ? (
                  <Radio className="size-4" aria-hidden />
                ) : (
                  <Play className="size-4" aria-hidden />
                )}
                {isSubscription ? t("action.subscribe") : t("action.run")}
              </Button>
            )}
            <Button variant="ghost" onClick={reset}>
              <RotateCcw className="size-4" aria-hidden />
              {t("action.reset")}
            </Button>
          </footer>
        </Card>
      </form>

      <Card>
        <CardTitle title={isSubscription ? t("stream.title") : t("result.title")} />
        <div className="px-5 py-4">
          {isSubscription ? <StreamView stream={stream} /> : <CallResultView call={call} />}
        </div>
      </Card>

      <SchemaDetails procedure={procedure} />
    </div>
  );
}
