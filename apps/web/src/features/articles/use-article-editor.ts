import { useCallback, useEffect, useRef, useState } from "react";

import { readApiFailure, readErrorDetails } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useLiveEvents } from "../live-events/live-events-provider";
import {
  afterSave,
  changesOf,
  clearLocalCopy,
  fieldsOf,
  isDirty,
  loadLocalCopy,
  saveLocalCopy,
  settleConflict,
  type ArticleFields,
  type Choice,
  type EditableField,
  type LocalCopy,
} from "./draft-state";
import type { Article } from "./types";

/** Typing pauses this long before an autosave. */
export const AUTOSAVE_DELAY_MS = 1200;

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: number; merged: boolean }
  | { kind: "failed"; message: string; fieldErrors: Record<string, string[]> };

export interface Conflict {
  fields: EditableField[];
  theirs: Article;
}

function newSessionId(): string {
  return `editor-${crypto.randomUUID()}`;
}

/**
 * One open editor of one article. It keeps the server copy it is based on (`base`) apart from the
 * writer's fields, autosaves the changed fields after a pause (one revision per editing
 * session), saves on demand, and keeps the unsaved fields in the browser until the server has
 * them. A save based on an old version is merged by the server when the fields differ; when the
 * same field changed elsewhere it comes back as a conflict for the writer to settle.
 */
export function useArticleEditor(id: string) {
  const utils = trpc.useUtils();
  const query = trpc.articles.byId.useQuery({ id }, { meta: { errorToast: false } });
  const [base, setBase] = useState<Article | null>(null);
  const [fields, setFields] = useState<ArticleFields | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [recovered, setRecovered] = useState<LocalCopy | null>(null);
  const [changedElsewhere, setChangedElsewhere] = useState(false);
  const [sessionId] = useState(newSessionId);
  const inFlight = useRef(false);
  const latest = useRef<{ base: Article | null; fields: ArticleFields | null }>({
    base: null,
    fields: null,
  });
  useEffect(() => {
    latest.current = { base, fields };
  });

  // First load: the server copy, and any unsaved copy this browser kept of it (one that matches
  // the server copy is cleared by the effect below).
  if (query.data && !base) {
    setBase(query.data);
    setFields(fieldsOf(query.data));
    const local = loadLocalCopy(localStorage, id);
    if (local && isDirty(fieldsOf(query.data), local.fields)) setRecovered(local);
  }

  // Keep the unsaved fields in the browser while they differ from the server copy.
  useEffect(() => {
    if (!base || !fields || recovered) return;
    if (isDirty(fieldsOf(base), fields)) {
      saveLocalCopy(localStorage, id, {
        baseVersion: base.version,
        baseFields: fieldsOf(base),
        fields,
        savedAt: Date.now(),
      });
    } else {
      clearLocalCopy(localStorage, id);
    }
  }, [base, fields, id, recovered]);

  // Failures show in the editor (the conflict view, the save status), not as toasts.
  const update = trpc.articles.update.useMutation({ meta: { errorToast: false } });

  const send = useCallback(
    async (mode: "autosave" | "save", override?: { base: Article; fields: ArticleFields }) => {
      const current = override ?? latest.current;
      if (!current.base || !current.fields || inFlight.current) return;
      const changes = changesOf(fieldsOf(current.base), current.fields);
      if (mode === "autosave" && Object.keys(changes).length === 0) return;
      inFlight.current = true;
      setSave({ kind: "saving" });
      const sent = current.fields;
      try {
        const result = await update.mutateAsync({
          id,
          baseVersion: current.base.version,
          changes,
          mode,
          sessionId,
        });
        inFlight.current = false;
        setBase(result.article);
        setFields((local) => afterSave(local ?? sent, sent, fieldsOf(result.article)));
        setSave({ kind: "saved", at: Date.now(), merged: result.merged });
        setChangedElsewhere(false);
        utils.articles.byId.setData({ id }, result.article);
        void utils.articles.list.invalidate();
        void utils.articles.revisions.list.invalidate({ id });
      } catch (error) {
        inFlight.current = false;
        const failure = readApiFailure(error);
        const details = readErrorDetails(error);
        if (failure.code === "CONFLICT" && details && typeof details["current"] === "object") {
          setConflict({
            fields: (details["conflicts"] as EditableField[] | undefined) ?? [],
            theirs: details["current"] as Article,
          });
          setSave({ kind: "idle" });
        } else {
          setSave({ kind: "failed", message: failure.message, fieldErrors: failure.fieldErrors });
        }
      } finally {
        inFlight.current = false;
      }
    },
    [id, sessionId, update, utils],
  );

  // Autosave once typing pauses.
  useEffect(() => {
    if (!base || !fields || conflict || recovered) return;
    if (!isDirty(fieldsOf(base), fields)) return;
    const timer = setTimeout(() => void send("autosave"), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [base, fields, conflict, recovered, send, save.kind]);

  // Someone else (another tab, a colleague) changed the article.
  const { events } = useLiveEvents();
  const newest = events.find(
    (event) => event.type === "article.changed" && event.data["id"] === id,
  );
  const newestVersion = typeof newest?.data["version"] === "number" ? newest.data["version"] : 0;
  const baseVersion = base?.version ?? 0;

  /**
   * A newer version was saved elsewhere (another tab, a colleague, an accepted proposal of the
   * assistant): taken at once when nothing here is unsaved; otherwise said, and the next save
   * merges both (or asks, when the same field changed on both sides).
   */
  const followNewer = useCallback(
    (version: number) => {
      const current = latest.current;
      if (!current.base || !current.fields || version <= current.base.version) return;
      if (inFlight.current) return;
      if (isDirty(fieldsOf(current.base), current.fields)) {
        // The next save merges (or reports a conflict); say so meanwhile.
        setChangedElsewhere(true);
        return;
      }
      void utils.articles.byId.fetch({ id }, { staleTime: 0 }).then((fresh) => {
        const now = latest.current;
        if (!now.base || fresh.version <= now.base.version) return;
        if (now.fields && isDirty(fieldsOf(now.base), now.fields)) {
          setChangedElsewhere(true);
          return;
        }
        setBase(fresh);
        setFields(fieldsOf(fresh));
        setChangedElsewhere(false);
      });
    },
    [id, utils],
  );

  useEffect(() => {
    followNewer(newestVersion);
    // Looked at again once a save of ours lands: a change elsewhere may have arrived meanwhile.
  }, [newestVersion, baseVersion, followNewer]);

  const edit = useCallback((changes: Partial<ArticleFields>) => {
    setFields((local) => (local ? { ...local, ...changes } : local));
    setSave((state) => (state.kind === "failed" ? { kind: "idle" } : state));
  }, []);

  const settle = useCallback(
    (choices: Partial<Record<EditableField, Choice>>) => {
      const current = latest.current;
      if (!conflict || !current.base || !current.fields) return;
      const next = settleConflict(
        fieldsOf(current.base),
        current.fields,
        fieldsOf(conflict.theirs),
        choices,
      );
      setConflict(null);
      setBase(conflict.theirs);
      setFields(next);
      void send("save", { base: conflict.theirs, fields: next });
    },
    [conflict, send],
  );

  /**
   * Brings back the unsaved copy found in the browser, as changes to the version it was typed on:
   * the server merges them with anything saved since, or reports a conflict to settle.
   */
  const recover = useCallback(() => {
    const current = latest.current;
    if (!recovered || !current.base) return;
    const local = recovered;
    setRecovered(null);
    setFields(local.fields);
    const typedOn: Article = { ...current.base, ...local.baseFields, version: local.baseVersion };
    void send("save", { base: typedOn, fields: local.fields });
  }, [recovered, send]);

  const discardRecovered = useCallback(() => {
    setRecovered(null);
    clearLocalCopy(localStorage, id);
  }, [id]);

  /** Takes what the server saved (after publishing, restoring…). */
  const adopt = useCallback(
    (article: Article) => {
      setBase(article);
      setFields(fieldsOf(article));
      utils.articles.byId.setData({ id: article.id }, article);
    },
    [utils],
  );

  const dirty = base && fields ? isDirty(fieldsOf(base), fields) : false;

  return {
    query,
    base,
    fields,
    dirty,
    save,
    conflict,
    recovered,
    // Said only while there is something of ours to merge: with nothing unsaved, the editor
    // simply takes the newer version.
    changedElsewhere: changedElsewhere && dirty,
    edit,
    saveNow: () => send("save"),
    settle,
    dismissConflict: () => setConflict(null),
    recover,
    discardRecovered,
    adopt,
    followNewer,
  };
}
