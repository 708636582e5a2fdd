import type { ViteUserConfig } from "vitest/config";

export declare function genflowVitest(overrides?: ViteUserConfig): ViteUserConfig;
