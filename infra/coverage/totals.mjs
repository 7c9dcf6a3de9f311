import { resolve, sep } from 'node:path';

/**
 * Lines and branches per threshold path, the way jest groups files (a path prefix with a trailing slash is one
 * group, aggregated), from a json-summary (`{ file: { lines: { total, covered }, branches: … } }`).
 * Used by the coverage gate (infra/coverage/run.mjs) and the CI summary, so both count alike.
 */
export function totalsUnder(path, summary) {
  const prefix = resolve(path) + (path.endsWith('/') ? sep : '');
  const totals = { lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } };
  for (const [file, metrics] of Object.entries(summary)) {
    if (file === 'total' || !file.startsWith(prefix)) continue;
    for (const metric of ['lines', 'branches']) {
      totals[metric].total += metrics[metric].total;
      totals[metric].covered += metrics[metric].covered;
    }
  }
  const pct = (metric) => (totals[metric].total === 0 ? 100 : (100 * totals[metric].covered) / totals[metric].total);
  return { lines: pct('lines'), branches: pct('branches') };
}

/** The metrics of `threshold` ({ lines, branches } in %) that the totals `got` (totalsUnder) fall below. */
export function below(got, threshold) {
  return ['lines', 'branches'].filter((metric) => threshold[metric] !== undefined && got[metric] < threshold[metric]);
}
