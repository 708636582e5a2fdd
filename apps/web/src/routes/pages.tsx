import { lazy, Suspense } from "react";

import { FullPageLoader } from "../components/full-page-status";
import { ApiKeysPage } from "../features/api-keys/api-keys-page";
import { HomePage } from "../features/home/home-page";
import { useSignedIn } from "./guards";
import { NotFoundPage } from "./not-found-page";

const PanelPage = lazy(() => import("../panel"));
const StudioPage = lazy(() => import("../features/studio"));
const CutoutPage = lazy(() => import("../features/cutout"));
const TasksPage = lazy(() => import("../features/tasks"));
const ArticlesPage = lazy(() => import("../features/articles"));
const ChatPage = lazy(() => import("../features/chat"));
const PromptsPage = lazy(() => import("../features/prompts"));
const ArticleEditorPage = lazy(() =>
  import("../features/articles").then((m) => ({ default: m.ArticleEditorPage })),
);
const ArticleReadPage = lazy(() =>
  import("../features/articles").then((m) => ({ default: m.ArticleReadPage })),
);

export function HomeRoute() {
  const { session, panel } = useSignedIn();
  return <HomePage session={session} panel={panel} />;
}

export function ApiKeysRoute() {
  return <ApiKeysPage />;
}

/** The card studio (editor and history), loaded on demand. */
export function StudioRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <StudioPage />
    </Suspense>
  );
}

/** Background removal (one photo, or a batch), loaded on demand. */
export function CutoutRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <CutoutPage />
    </Suspense>
  );
}

/** The caller's background tasks (batches, AI images), loaded on demand. */
export function TasksRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <TasksPage />
    </Suspense>
  );
}

/** The API panel, loaded on demand; only for callers the server lets use it. */
export function PanelRoute() {
  const { panel } = useSignedIn();
  if (!panel) return <NotFoundPage />;
  return (
    <Suspense fallback={<FullPageLoader />}>
      <PanelPage />
    </Suspense>
  );
}

/** Articles: the list and search, loaded on demand. */
export function ArticlesRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <ArticlesPage />
    </Suspense>
  );
}

/** One article's editor. */
export function ArticleEditorRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <ArticleEditorPage />
    </Suspense>
  );
}

/** An article as readers see it; public articles need no sign-in. */
export function ArticleReadRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <ArticleReadPage />
    </Suspense>
  );
}

/** The AI chat (a new conversation, or one by id), loaded on demand. */
export function ChatRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <ChatPage />
    </Suspense>
  );
}

/** The system prompt generator and library, loaded on demand. */
export function PromptsRoute() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <PromptsPage />
    </Suspense>
  );
}
