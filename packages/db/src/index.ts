export {
  createDb,
  defaultMigrationsFolder,
  type CreateDbOptions,
  type Database,
  type DbDriver,
  type DbHandle,
  type DbOrTx,
  type Schema,
  type Transaction,
  type VacuumReport,
} from "./client";
export * as schema from "./schema";
export type { CutoutOutputRecord } from "./schema/cutouts";
export { buildQuery, executePrepared, type BuiltQuery } from "./prepared";
