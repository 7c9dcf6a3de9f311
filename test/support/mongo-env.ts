/**
 * The MongoDB-wire server of the suites that need one (FerretDB in CI, started by infra/ferretdb/start.sh). In
 * CI (CI=true) a missing MONGODB_URL fails the suite; elsewhere the suite is skipped, and says so in the line
 * the CI summary collects (`skipped "<suite>": <reason>`).
 */
export function mongoTestUrl(suite: string): string | undefined {
  const url = process.env.MONGODB_URL;
  if (url) return url;
  if (process.env.CI === 'true') throw new Error(`MONGODB_URL is unset in CI (suite "${suite}"): .ci/run must start infra/ferretdb/start.sh first`);
  process.stderr.write(`skipped "${suite}": MONGODB_URL is unset (run infra/ferretdb/start.sh and export the variables of .ci/mongodb.env)\n`);
  return undefined;
}
