import { base } from "@genflow/eslint-config";

export default base;
