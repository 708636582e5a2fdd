import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm dev` runs the API host on :3000 next to this dev server; same-origin paths are proxied to it.
// The Host header is kept, so the host sees the browser's origin as its own (cookies, CSRF check).
const apiHost = { target: "http://localhost:3000", changeOrigin: false };

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    port: 5173,
    proxy: {
      // Subscriptions go over a WebSocket on the same path.
      "/trpc": { ...apiHost, ws: true },
      "/api": apiHost,
      "/healthz": apiHost,
      "/readyz": apiHost,
      "/panel/schema.json": apiHost,
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            {
              name: "react",
              test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
              priority: 2,
            },
            { name: "vendor", test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
