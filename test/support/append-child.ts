/**
 * Child process for the crash test: appends to a few streams as fast as it can (group commit with
 * several concurrent writers) and prints one line per acknowledged append: `ACK <eventId> <streamId> <version>`.
 * The parent kills it with SIGKILL at a moment of its choosing.
 */
import { SqliteEventStore } from '#sqlite';
import { newEvent } from '#testing';

const [file, writersArg = '8'] = process.argv.slice(2);
if (!file) throw new Error('usage: append-child <events.sqlite> [writers]');
const store = new SqliteEventStore(file);
const writers = Number(writersArg);

async function writer(index: number): Promise<never> {
  const streamId = `case-0000000${index}-crash-test`;
  for (;;) {
    const result = await store.append(streamId, [newEvent(), newEvent()], 'any');
    // Written synchronously so that an acknowledged append is on the pipe before the next one starts.
    process.stdout.write(`ACK ${result.events.map((e) => e.eventId).join(',')} ${streamId} ${result.version}\n`);
  }
}

await store.ready;
process.stdout.write('READY\n');
await Promise.all(Array.from({ length: writers }, (_, i) => writer(i)));
