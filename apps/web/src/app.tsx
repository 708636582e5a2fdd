import { QueryClientProvider } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RouterProvider } from "react-router/dom";
import { Toaster } from "sonner";

import { notifyError, notifySessionEnded } from "./features/errors/notify-error";
import { createQueryClient } from "./lib/query-client";
import { ThemeProvider, useTheme } from "./lib/theme";
import { createTrpcClient, LiveSocketContext, trpc } from "./lib/trpc";
import { createRouter } from "./routes/router";

function Toasts() {
  const { theme } = useTheme();
  const { t } = useTranslation();
  return (
    <Toaster
      theme={theme}
      position="bottom-right"
      closeButton
      containerAriaLabel={t("common.notifications")}
      toastOptions={{ closeButtonAriaLabel: t("common.closeNotification") }}
    />
  );
}

export function App() {
  const [queryClient] = useState(() => {
    const client = createQueryClient({
      onError: notifyError,
      onUnauthorized: () => {
        // A call was refused although we thought we were signed in: the session ended elsewhere.
        const queryKey = getQueryKey(trpc.auth.session);
        if (client.getQueriesData({ queryKey }).some(([, session]) => Boolean(session))) {
          notifySessionEnded();
        }
        void client.invalidateQueries({ queryKey });
      },
    });
    return client;
  });
  const [{ client: trpcClient, live }] = useState(() => createTrpcClient());
  const [router] = useState(() => createRouter());

  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <LiveSocketContext value={live}>
          <ThemeProvider>
            <RouterProvider router={router} />
            <Toasts />
          </ThemeProvider>
        </LiveSocketContext>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
