// Loaded into every Node child process of the test suite when coverage is collected (NODE_OPTIONS --import,
// set by test/support/child-coverage.ts). NODE_V8_COVERAGE writes a process's coverage when it exits normally,
// not when a signal ends it — and Nest's shutdown hooks end a SIGTERM'd service by re-sending the signal to
// itself once it has closed. So the coverage is written just before a process signals itself.
import { takeCoverage } from 'node:v8';

const kill = process.kill.bind(process);
process.kill = (pid, signal) => {
  if (pid === process.pid || pid === 0) takeCoverage();
  return kill(pid, signal);
};
