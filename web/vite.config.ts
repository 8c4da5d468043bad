import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The dashboard: built into web/dist, which the API server serves at `/` (src/api/dashboard.ts). */
export default defineConfig({
  base: "/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    // `npx vite web` during development: the API runs separately on its default port.
    proxy: { "/v1": "http://127.0.0.1:8080" },
  },
});
