import { base, react } from "@genflow/eslint-config";

export default [...base, ...react];
