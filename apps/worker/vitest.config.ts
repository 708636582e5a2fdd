import { genflowVitest } from "@genflow/vitest-config";

export default genflowVitest();
