// In-process V8 CPU profiling for a benchmark target, so a profile covers the measured window only
// (not start-up, migrations or the warm-up): the runner sends SIGUSR2 when the window begins and
// the profile is written when the target stops.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import path from "node:path";

export const START_PROFILE_SIGNAL = "SIGUSR2";

export interface Profiler {
  /** Stops a running profile and writes it; resolves to the file, or null if none was started. */
  finish(): Promise<string | null>;
}

export function armProfiler(dir: string, name: string): Profiler {
  const session = new Session();
  let started: Promise<void> | undefined;
  process.once(START_PROFILE_SIGNAL, () => {
    session.connect();
    started = session
      .post("Profiler.enable")
      .then(() => session.post("Profiler.setSamplingInterval", { interval: 1000 }))
      .then(() => session.post("Profiler.start"));
  });
  return {
    async finish() {
      if (!started) return null;
      await started;
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      const file = path.join(dir, `${name}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      return file;
    },
  };
}
