import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

/**
 * Jest setup file. When `npm run test:coverage` collects coverage it names a directory in
 * CASETRAIL_CHILD_COVERAGE_DIR: every Node child process a suite starts with this process.env (the services,
 * the CLI, the crash children) then writes its V8 coverage there (NODE_V8_COVERAGE), also when it ends by a
 * signal (infra/coverage/child-hook.mjs). infra/coverage/run.mjs merges it with jest's own coverage.
 */
const dir = process.env.CASETRAIL_CHILD_COVERAGE_DIR;
if (dir) {
  process.env.NODE_V8_COVERAGE = dir;
  const hook = `--import=${pathToFileURL(join(process.cwd(), 'infra/coverage/child-hook.mjs')).href}`;
  if (!(process.env.NODE_OPTIONS ?? '').includes(hook)) process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, hook].filter(Boolean).join(' ');
}
