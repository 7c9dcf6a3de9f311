import type { Projection } from '#application';

/**
 * A read model for the bus tests: per stream, how many events were applied and the versions seen in order.
 * Applying an event twice, or out of stream order, shows in the document.
 */
export const countProjection: Projection = {
  definition: { name: 'bus_test_counts', version: 1, fields: { applied: 'integer' } },
  streams: [''],
  async apply(event, tx) {
    const id = event.stored.streamId;
    const doc = (await tx.get(id)) ?? { id, applied: 0, versions: [] as number[] };
    const versions = [...(doc.versions as number[]), event.stored.streamVersion];
    tx.put({ ...doc, applied: (doc.applied as number) + 1, versions });
  },
};
