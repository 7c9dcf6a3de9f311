/**
 * Preloaded into the server child by `BENCH_CPU_PROF=1 npm run bench:http` (node --import): the first
 * SIGWINCH starts V8's CPU profiler, the second stops it and writes the profile to BENCH_PROFILE_FILE, so
 * the profile covers only the measured record-step run, not start-up and setup. (SIGWINCH, whose default
 * action is to be ignored: SIGUSR2 is one of the signals Nest's enableShutdownHooks() shuts the app down on.)
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.BENCH_PROFILE_FILE;
const session = new Session();
let running = false;

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
}

process.on('SIGWINCH', () => {
  void (async () => {
    if (!running) {
      running = true;
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      process.stderr.write('bench-http-profiler: started\n');
    } else {
      running = false;
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      session.disconnect();
      if (file) writeFileSync(file, JSON.stringify(profile));
      process.stderr.write(`bench-http-profiler: written ${file}\n`);
    }
  })();
});
