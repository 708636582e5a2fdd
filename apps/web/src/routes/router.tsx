import { createBrowserRouter } from "react-router";

import { SignInPage } from "../features/auth/sign-in-page";
import { SignUpPage } from "../features/auth/sign-up-page";
import { RedirectSignedIn, RequireSession } from "./guards";
import { NotFoundPage } from "./not-found-page";
import {
  ApiKeysRoute,
  ArticleEditorRoute,
  ArticleReadRoute,
  ArticlesRoute,
  ChatRoute,
  CutoutRoute,
  HomeRoute,
  PanelRoute,
  PromptsRoute,
  StudioRoute,
  TasksRoute,
} from "./pages";
import { RouteError } from "./route-error";

/**
 * Routes. A new area adds its page under the signed-in layout here and its nav item in
 * features/shell/nav-items.ts, in the same change that makes it work.
 */
export function createRouter() {
  return createBrowserRouter([
    {
      errorElement: <RouteError />,
      children: [
        {
          element: <RedirectSignedIn />,
          children: [
            { path: "/sign-in", element: <SignInPage /> },
            { path: "/sign-up", element: <SignUpPage /> },
          ],
        },
        // Readers of a public article need no account.
        { path: "/read/:slug", element: <ArticleReadRoute /> },
        {
          element: <RequireSession />,
          children: [
            { path: "/", element: <HomeRoute /> },
            { path: "/api-keys", element: <ApiKeysRoute /> },
            {
              // One page for both sections, so the draft survives moving between them.
              path: "/studio",
              element: <StudioRoute />,
              children: [{ index: true }, { path: "history" }, { path: "image" }],
            },
            { path: "/cutout", element: <CutoutRoute /> },
            { path: "/tasks", element: <TasksRoute /> },
            { path: "/articles", element: <ArticlesRoute /> },
            { path: "/articles/:id", element: <ArticleEditorRoute /> },
            {
              // One page for the list and every conversation: moving between them keeps the list.
              path: "/chat",
              element: <ChatRoute />,
              children: [{ index: true }, { path: ":conversationId" }],
            },
            {
              // One page for a new prompt and every saved one: the library stays put.
              path: "/prompts",
              element: <PromptsRoute />,
              children: [{ index: true }, { path: ":promptId" }],
            },
            { path: "/panel", element: <PanelRoute /> },
            { path: "*", element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
