/**
 * Child process for the rebuild crash test: opens a data directory and rebuilds every projection of
 * ALL_PROJECTIONS through ProjectionManager.rebuild with a small batch size, starting at the projection
 * `rotate` (so that successive runs are killed in different projections). It prints, synchronously (a pipe):
 *   READY                                 stores open, about to rebuild
 *   START <name> <table> <checkpoint|->   the build it works on: an unfinished one it resumes, or `new`
 *   BATCH <name> <checkpoint>             after every committed batch
 *   BUILT <name> <table>                  the build was swapped in
 *   DONE                                  every projection rebuilt
 * The parent SIGKILLs it whenever it likes; the next run resumes each unfinished build from its checkpoint.
 *
 * usage: rebuild-child <data dir> [batchSize=100] [rotate=0]
 */
import { join } from 'node:path';
import { ALL_PROJECTIONS, ProjectionManager } from '#application';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';

const [dir, batchArg = '100', rotateArg = '0'] = process.argv.slice(2);
if (!dir) throw new Error('usage: rebuild-child <data dir> [batchSize] [rotate]');
const events = new SqliteEventStore(join(dir, 'events.sqlite'));
await events.ready;
const readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
const manager = new ProjectionManager(events, readModels, ALL_PROJECTIONS, { batchSize: Number(batchArg) });
const names = manager.names();
const rotate = Number(rotateArg) % names.length;
const out = (line: string) => process.stdout.write(`${line}\n`);

out('READY');
for (const name of [...names.slice(rotate), ...names.slice(0, rotate)]) {
  const version = ALL_PROJECTIONS.find((p) => p.definition.name === name)!.definition.version;
  // The build ProjectionManager.rebuild will pick up (same rule), reported so the parent can see resumptions.
  const unfinished = (await readModels.builds(name)).filter((b) => !b.active && !b.failed && b.version === version).pop();
  out(`START ${name} ${unfinished ? `${unfinished.table} ${unfinished.checkpoint || '-'}` : 'new -'}`);
  const status = await manager.rebuild(name, (_applied, checkpoint) => out(`BATCH ${name} ${checkpoint}`));
  if (status.state === 'failed') throw new Error(`${name}: rebuild stopped: ${status.lastError}`);
  out(`BUILT ${name} ${status.table}`);
}
await manager.stop();
await events.close();
await readModels.close();
out('DONE');
