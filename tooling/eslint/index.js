import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * Shared flat config. `base` is typed linting for every package; `react` adds hooks rules.
 * `process.env` is read only in each app's env.ts (see restrictEnvAccess).
 */
export const base = tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "**/*.config.*", "test-output/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "separate-type-imports" },
      ],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { attributes: false, arguments: false } },
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration in the app's env.ts and pass it down.",
        },
      ],
    },
  },
  {
    files: ["**/env.ts", "**/*.test.ts", "**/test/**", "**/bench/**", "**/scripts/**"],
    rules: { "no-restricted-properties": "off" },
  },
);

export const react = tseslint.config({
  plugins: { "react-hooks": reactHooks },
  rules: reactHooks.configs.recommended.rules,
});
