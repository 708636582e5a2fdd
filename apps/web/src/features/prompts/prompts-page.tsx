import { skipToken } from "@tanstack/react-query";
import { FileQuestion } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useMatch, useNavigate } from "react-router";
import { toast } from "sonner";

import { buttonClass } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useDebouncedValue } from "../../lib/use-debounced-value";
import { failureMessage } from "../errors/notify-error";
import { BriefForm } from "./brief-form";
import { briefInput, draftOf, EMPTY_BRIEF } from "./brief";
import type { BriefDraft } from "./brief";
import { DeletePromptDialog } from "./delete-prompt-dialog";
import { PromptEditor } from "./prompt-editor";
import { PromptLibrary } from "./prompt-library";
import { RefinePanel } from "./refine-panel";
import type { PromptBriefInput } from "./types";
import { UseInChatDialog, useStartChat } from "./use-in-chat";
import type { ChatTarget } from "./use-in-chat";

/** What the generator holds: the brief, the prompt text and the saved prompt it belongs to. */
interface Draft {
  /** The saved prompt these fields come from; null for a new one. */
  promptId: string | null;
  brief: BriefDraft;
  /** The prompt text once edited (or loaded, or refined); null while it follows the brief. */
  text: string | null;
  name: string;
  /** An older version being looked at. */
  viewing: number | null;
  /** Goes up whenever other fields are loaded or started afresh (not when saved). */
  session: number;
}

const NEW_DRAFT: Draft = {
  promptId: null,
  brief: EMPTY_BRIEF,
  text: null,
  name: "",
  viewing: null,
  session: 0,
};

/** The composed prompt for a brief, asked for once the brief has settled for a moment. */
function useComposed(input: PromptBriefInput | null) {
  const current = input ? JSON.stringify(input) : "";
  const key = useDebouncedValue(current, 350);
  const settled = useMemo(() => (key ? (JSON.parse(key) as PromptBriefInput) : null), [key]);
  const query = trpc.aiChat.prompts.compose.useQuery(settled ?? skipToken, {
    staleTime: Infinity,
    retry: false,
    meta: { errorToast: false },
  });
  // The last composition stays in view while the next is asked for, so the box does not flash
  // empty as you type; an emptied brief (a new prompt) forgets it.
  const fresh = input && current === key && query.data ? query.data.content : null;
  const [last, setLast] = useState("");
  if (input ? fresh !== null && fresh !== last : last !== "") setLast(fresh ?? "");
  return {
    /** Empty while the brief is. */
    content: input ? (fresh ?? last) : "",
    /** The brief changed since the text shown was composed. */
    composing: input !== null && (current !== key || query.isFetching),
    error: settled && query.isError ? failureMessage(readApiFailure(query.error)) : null,
  };
}

/**
 * The system prompt generator at /prompts (a new prompt) and /prompts/:promptId (a saved one):
 * a brief composed into a structured prompt as you type, the prompt text to edit, a refinement
 * by the model streamed live, and the library of saved prompts with versions, variables and
 * "Use in chat".
 */
export function PromptsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const match = useMatch("/prompts/:promptId");
  const promptId = match?.params.promptId ?? null;
  const providers = trpc.aiChat.providers.useQuery(undefined, {
    staleTime: 60_000,
    meta: { errorToast: false },
  });
  const detail = trpc.aiChat.prompts.byId.useQuery(promptId ? { id: promptId } : skipToken, {
    meta: { errorToast: false },
  });
  const [draft, setDraft] = useState<Draft>(NEW_DRAFT);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const [chatTarget, setChatTarget] = useState<ChatTarget | null>(null);
  const startChat = useStartChat();

  // The fields follow the address: the bare address is a new prompt; a saved prompt is loaded
  // once it arrives (with its brief, when it has one), unless they already hold it (just saved).
  const [shownId, setShownId] = useState(promptId);
  if (shownId !== promptId) {
    setShownId(promptId);
    if (promptId === null) setDraft({ ...NEW_DRAFT, session: draft.session + 1 });
  }
  const saved = promptId !== null && detail.data?.id === promptId ? detail.data : null;
  if (saved && draft.promptId !== saved.id) {
    setDraft({
      promptId: saved.id,
      brief: draftOf(saved.brief),
      text: saved.content,
      name: saved.name,
      viewing: null,
      session: draft.session + 1,
    });
  }

  const input = useMemo(() => briefInput(draft.brief), [draft.brief]);
  const composed = useComposed(input);
  const text = draft.text ?? composed.content;
  /** The text shown follows the brief, and the brief changed since: not ready to use yet. */
  const composing = draft.text === null && composed.composing;
  const viewing =
    saved && draft.viewing !== null && draft.viewing !== saved.latestVersion
      ? (saved.versions.find((version) => version.version === draft.viewing) ?? null)
      : null;
  const unsaved = saved
    ? text.trim() !== saved.content.trim() || draft.name.trim() !== saved.name
    : text.trim().length > 0;

  const save = trpc.aiChat.prompts.save.useMutation({
    onSuccess: (result) => {
      const before = saved?.latestVersion ?? 0;
      toast.success(
        !saved
          ? t("prompts.saved.created")
          : result.latestVersion > before
            ? t("prompts.saved.version", { version: result.latestVersion })
            : t("prompts.saved.unchanged"),
      );
      void utils.aiChat.prompts.list.invalidate();
      void utils.aiChat.prompts.byId.invalidate({ id: result.id });
      setDraft((current) => ({
        ...current,
        promptId: result.id,
        text: result.content,
        name: result.name,
        viewing: null,
      }));
      if (result.id !== promptId) void navigate(`/prompts/${result.id}`);
    },
  });

  const change = (update: Partial<Draft>) => setDraft((current) => ({ ...current, ...update }));

  let main;
  if (promptId !== null && detail.isError) {
    const failure = readApiFailure(detail.error);
    main = (
      <Card>
        <EmptyState
          icon={FileQuestion}
          title={
            failure.code === "NOT_FOUND" || failure.code === "VALIDATION"
              ? t("prompts.notFound")
              : failureMessage(failure)
          }
          action={
            <Link to="/prompts" className={buttonClass({ size: "sm" })}>
              {t("prompts.new")}
            </Link>
          }
        />
      </Card>
    );
  } else if (promptId !== null && !saved && draft.promptId !== promptId) {
    main = (
      <Card className="space-y-3 p-5" aria-busy data-testid="prompt-loading">
        <Skeleton className="h-4 w-1/3" />
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-4 w-2/3" />
      </Card>
    );
  } else {
    main = (
      <div className="grid gap-4">
        <BriefForm
          brief={draft.brief}
          onChange={(update) =>
            setDraft((current) => ({ ...current, brief: update(current.brief) }))
          }
        />
        <div className="min-w-0 space-y-4">
          <PromptEditor
            text={text}
            source={draft.text === null ? "composed" : "edited"}
            composing={composing}
            notice={
              input === null
                ? { tone: "hint", message: t("prompts.compose.empty") }
                : composed.error
                  ? { tone: "error", message: composed.error }
                  : null
            }
            canRecompose={
              draft.text !== null &&
              !composed.composing &&
              composed.content !== "" &&
              composed.content !== draft.text
            }
            saved={saved}
            viewing={viewing}
            name={draft.name}
            unsaved={unsaved}
            saving={save.isPending}
            starting={startChat.pending}
            onTextChange={(value) => change({ text: value })}
            onRecompose={() => change({ text: null })}
            onShowVersion={(version) => change({ viewing: version })}
            onEditVersion={() => {
              if (viewing) change({ text: viewing.content, viewing: null });
            }}
            onNameChange={(value) => change({ name: value })}
            onSave={() =>
              save.mutate({
                // Just saved, the prompt may still be on its way back: its id is known.
                ...(draft.promptId ? { id: draft.promptId } : {}),
                name: draft.name.trim(),
                content: text,
                ...(input ? { brief: input } : {}),
              })
            }
            onUseInChat={() => {
              if (!saved) return;
              const version = viewing ?? saved.versions[0];
              if (!version) return;
              const target = {
                id: saved.id,
                version: version.version,
                variables: version.variables,
              };
              if (target.variables.length > 0) setChatTarget(target);
              else void startChat.start(target, {});
            }}
            onDelete={() => {
              if (saved) setDeleting({ id: saved.id, name: saved.name });
            }}
          />
          <RefinePanel
            // A refinement belongs to the prompt it was asked for.
            key={draft.session}
            content={composing ? "" : text}
            providers={providers.data}
            onUse={(refined) => change({ text: refined, viewing: null })}
          />
        </div>
      </div>
    );
  }

  return (
    <div className="grid gap-4 lg:grid-cols-[17rem_minmax(0,1fr)] lg:items-start">
      <title>{`${t("prompts.title")} · ${t("app.name")}`}</title>
      <PromptLibrary
        activeId={promptId}
        onNew={() => {
          // From a saved prompt, the change of address starts the new one.
          if (promptId === null) setDraft({ ...NEW_DRAFT, session: draft.session + 1 });
        }}
        onDelete={setDeleting}
      />
      <div className="min-w-0 space-y-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-fg">{t("prompts.title")}</h1>
          <p className="mt-1.5 max-w-2xl text-sm text-fg-muted">{t("prompts.subtitle")}</p>
        </div>
        {main}
      </div>
      <DeletePromptDialog
        target={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(id) => {
          if (id === promptId) void navigate("/prompts");
        }}
      />
      <UseInChatDialog
        key={chatTarget ? `${chatTarget.id}:${chatTarget.version}` : "none"}
        target={chatTarget}
        onClose={() => setChatTarget(null)}
      />
    </div>
  );
}
