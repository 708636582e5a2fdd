import { runInference } from "./task";

/** Entry point of the cutout inference thread (the file the pool is given, not something to import). */
export default runInference;
