import { FileUp, Wand2 } from "lucide-react";
import { useId, useRef } from "react";
import type { ChangeEvent } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { CopyButton } from "../../components/ui/copy-button";
import { Field, Input, inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import {
  BATCH_MAX_BYTES,
  BATCH_MAX_ROWS,
  DEFAULT_FILE_NAME_PATTERN,
  csvFieldNames,
  matchColumns,
  rowCountOf,
} from "./batch-data";
import type { BatchData } from "./batch-data";
import { formatBytes } from "./format-bytes";
import { fieldLabel } from "./labels";
import type { FieldSpec } from "./schema-fields";

/** Most bytes read from a picked file: a bit over the limit, so the limit message can show. */
const MAX_FILE_BYTES = BATCH_MAX_BYTES * 2;

export interface BatchFormValue {
  text: string;
  /** The name of the file the text came from, if any. */
  fileName: string | null;
  pattern: string;
}

/** The rows (pasted or from a .csv / .json file) and the file-name pattern of a batch. */
export function BatchForm({
  specs,
  value,
  data,
  onChange,
  onExample,
  onFileError,
}: {
  specs: readonly FieldSpec[];
  value: BatchFormValue;
  data: BatchData;
  onChange: (next: BatchFormValue) => void;
  onExample: () => void;
  onFileError: (name: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const header = csvFieldNames(specs).join(",");
  const rows = rowCountOf(data);
  const match =
    data.kind === "csv" || data.kind === "json"
      ? matchColumns(specs, data.columns, value.pattern)
      : null;
  const list = new Intl.ListFormat(language, { type: "conjunction" });
  const names = (fields: string[]) => list.format(fields.map((name) => `“${name}”`));

  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      onFileError(file.name);
      return;
    }
    try {
      onChange({ ...value, text: await file.text(), fileName: file.name });
    } catch {
      onFileError(file.name);
    }
  };

  let status = null;
  if (data.kind === "invalid") {
    status = (
      <p className="text-[13px] text-danger" role="alert" data-testid="batch-data-status">
        {t(`studio.batch.invalid.${data.problem}`, { detail: data.detail })}
      </p>
    );
  } else if (data.kind === "csv" || data.kind === "json") {
    const tooMany = rows > BATCH_MAX_ROWS;
    const tooLarge = data.bytes > BATCH_MAX_BYTES;
    status = (
      <div className="space-y-1 text-[13px]" data-testid="batch-data-status">
        <p className={tooMany || tooLarge ? "text-danger" : "text-fg-muted"}>
          {t(data.kind === "csv" ? "studio.batch.detectedCsv" : "studio.batch.detectedJson", {
            count: rows,
          })}
          {tooMany ? ` ${t("studio.batch.tooMany", { max: BATCH_MAX_ROWS })}` : null}
          {tooLarge
            ? ` ${t("studio.batch.tooLarge", { max: formatBytes(BATCH_MAX_BYTES, language) })}`
            : null}
        </p>
        {match && match.missing.length > 0 ? (
          <p className="text-warning" data-testid="batch-missing">
            {t("studio.batch.missing", { fields: names(match.missing) })}
          </p>
        ) : null}
        {match && match.unknown.length > 0 ? (
          <p className="text-fg-muted" data-testid="batch-unknown">
            {t("studio.batch.unknown", { columns: names(match.unknown) })}
          </p>
        ) : null}
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <div className="space-y-2 rounded-lg border border-line bg-subtle/60 px-3 py-2.5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-[13px] font-medium text-fg">{t("studio.batch.header")}</p>
          <div className="flex gap-1.5">
            <CopyButton value={header} size="sm" label={t("studio.batch.copyHeader")} />
            <Button size="sm" onClick={onExample} data-testid="batch-example">
              <Wand2 className="size-4" aria-hidden />
              {t("studio.batch.example")}
            </Button>
          </div>
        </div>
        <ul className="flex flex-wrap gap-1.5" data-testid="batch-fields">
          {specs.map((spec) => (
            <li key={spec.name}>
              <code
                className="inline-flex items-center gap-1 rounded border border-line bg-surface px-1.5 py-0.5 font-mono text-xs text-fg"
                title={fieldLabel(t, spec.name)}
              >
                {spec.name}
                {spec.required ? (
                  <span className="text-danger" aria-label={t("studio.batch.required")}>
                    *
                  </span>
                ) : null}
              </code>
            </li>
          ))}
        </ul>
        <p className="text-xs text-fg-subtle">{t("studio.batch.headerHint")}</p>
      </div>

      <div className="space-y-1.5">
        <div className="flex items-center justify-between gap-2">
          <label htmlFor={`${id}-rows`} className="text-[13px] font-medium text-fg">
            {t("studio.batch.rows")}
          </label>
          <Button size="sm" variant="ghost" onClick={() => fileInput.current?.click()}>
            <FileUp className="size-4" aria-hidden />
            {t("studio.batch.upload")}
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept=".csv,.json,text/csv,application/json"
            className="sr-only"
            tabIndex={-1}
            aria-label={t("studio.batch.upload")}
            onChange={(event) => void pick(event)}
            data-testid="batch-file"
          />
        </div>
        <textarea
          id={`${id}-rows`}
          value={value.text}
          onChange={(event) => onChange({ ...value, text: event.target.value, fileName: null })}
          rows={7}
          spellCheck={false}
          placeholder={t("studio.batch.placeholder", { header })}
          aria-invalid={data.kind === "invalid" || undefined}
          className={cx(inputClass, "h-auto py-2 font-mono text-xs leading-relaxed")}
          data-testid="batch-text"
        />
        {value.fileName ? (
          <p className="text-xs text-fg-subtle">
            {t("studio.batch.fromFile", { name: value.fileName })}
          </p>
        ) : null}
        {status}
      </div>

      <Field label={t("studio.batch.pattern")} hint={t("studio.batch.patternHint")}>
        {({ id: inputId, describedBy }) => (
          <Input
            id={inputId}
            value={value.pattern}
            maxLength={200}
            placeholder={DEFAULT_FILE_NAME_PATTERN}
            aria-describedby={describedBy}
            onChange={(event) => onChange({ ...value, pattern: event.target.value })}
            className="font-mono text-[13px]"
            data-testid="batch-pattern"
          />
        )}
      </Field>
    </div>
  );
}
