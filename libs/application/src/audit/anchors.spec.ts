import { computeEventHash, GENESIS_HASH, type StoredEvent } from '../event-store/envelope.js';
import { verifyEventLog } from '../event-store/verification.js';
import { InMemoryEventStore, newEvent } from '#testing';
import { AnchorSigner, LogBrokenError, createAnchor, verifyAgainstAnchor, verifyAnchorSignature, type SignedAnchor } from './anchors.js';
import { merkleRootOfHeads } from './merkle.js';

const A = 'case-0190f1f4-0000-7000-8000-0000000000a1';
const B = 'case-0190f1f4-0000-7000-8000-0000000000b2';
const C = 'tip-0190f1f4-0000-7000-8000-0000000000c3';

async function log() {
  const store = new InMemoryEventStore();
  await store.append(A, [newEvent(), newEvent(), newEvent()], 0);
  await store.append(B, [newEvent(), newEvent()], 0);
  await store.append(C, [newEvent()], 0);
  await store.append(A, [newEvent()], 3);
  return store;
}

/** What an intruder with write access does: rewrite a stream's payloads and recompute its whole chain. */
function rewriteWithRecomputedHashes(store: InMemoryEventStore, streamId: string): void {
  let prevHash = GENESIS_HASH;
  for (const [i, event] of store.events.entries()) {
    if (event.streamId !== streamId) continue;
    const rewritten: StoredEvent = { ...event, data: { ...event.data, stepType: 'rewritten' }, prevHash };
    rewritten.hash = computeEventHash(rewritten);
    prevHash = rewritten.hash;
    store.events[i] = rewritten;
  }
  const head = store.heads.get(streamId)!;
  store.heads.set(streamId, { version: head.version, hash: prevHash });
}

describe('signed anchors', () => {
  const signer = AnchorSigner.generate();
  const trusted = { trustedKeys: [signer.publicKey] };

  it('signs the Merkle root of every stream head up to the end of the log', async () => {
    const store = await log();
    const { anchor, heads } = await createAnchor(store, signer, { now: () => '2024-05-01T00:00:00.000Z' });
    expect(anchor).toMatchObject({ format: 'casetrail-anchor/v1', position: store.events[6]!.position, streamCount: 3, eventCount: 7, createdAt: '2024-05-01T00:00:00.000Z', keyId: signer.keyId });
    expect(heads.map((h) => [h.streamId, h.version])).toEqual([
      [A, 4],
      [B, 2],
      [C, 1],
    ]);
    expect(anchor.merkleRoot).toBe(merkleRootOfHeads(heads));
    expect(verifyAnchorSignature(anchor)).toBe(true);
    // The exported JSON verifies as it is, after a round trip.
    expect(verifyAnchorSignature(JSON.parse(JSON.stringify(anchor)) as SignedAnchor)).toBe(true);
    expect(await verifyAgainstAnchor(store, anchor, trusted)).toMatchObject({ ok: true, recomputedRoot: anchor.merkleRoot, eventsChecked: 7 });
  });

  it('anchors an empty log', async () => {
    const { anchor } = await createAnchor(new InMemoryEventStore(), signer);
    expect(anchor).toMatchObject({ position: '', streamCount: 0, eventCount: 0, merkleRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    const later = await log();
    expect(await verifyAgainstAnchor(later, anchor, trusted)).toMatchObject({ ok: true, eventsChecked: 7 });
  });

  it('refuses an altered anchor, and one signed by a key it does not trust', async () => {
    const store = await log();
    const { anchor } = await createAnchor(store, signer);
    for (const altered of [{ ...anchor, merkleRoot: 'f'.repeat(64) }, { ...anchor, position: store.events[2]!.position }, { ...anchor, eventCount: 6 }, { ...anchor, signature: anchor.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }]) {
      expect((await verifyAgainstAnchor(store, altered, trusted)).problem).toBe('signature_invalid');
    }
    const stranger = AnchorSigner.generate();
    const { anchor: foreign } = await createAnchor(store, stranger);
    expect(verifyAnchorSignature(foreign)).toBe(true);
    expect(await verifyAgainstAnchor(store, foreign, trusted)).toMatchObject({ ok: false, problem: 'unknown_key' });
    // A stranger's key swapped into our anchor does not verify our signature.
    expect((await verifyAgainstAnchor(store, { ...anchor, publicKey: stranger.publicKey, keyId: stranger.keyId }, {})).problem).toBe('signature_invalid');
  });

  it('stays valid while the log grows after it', async () => {
    const store = await log();
    const { anchor } = await createAnchor(store, signer);
    await store.append(B, [newEvent(), newEvent()], 2);
    await store.append('visit-0190f1f4-0000-7000-8000-0000000000d4', [newEvent()], 0);
    expect(await verifyAgainstAnchor(store, anchor, trusted)).toMatchObject({ ok: true, recomputedStreamCount: 3, recomputedEventCount: 7, eventsChecked: 10 });
  });

  it('catches a stream rewritten with recomputed hashes, which plain verification passes, and names it', async () => {
    const store = await log();
    const { anchor, heads } = await createAnchor(store, signer);
    rewriteWithRecomputedHashes(store, B);
    expect((await verifyEventLog(store)).ok).toBe(true);
    const result = await verifyAgainstAnchor(store, anchor, { ...trusted, heads });
    expect(result).toMatchObject({ ok: false, problem: 'root_mismatch' });
    expect(result.differingStreams).toEqual([{ streamId: B, anchored: { version: 2, hash: heads[1]!.hash }, found: { version: 2, hash: store.heads.get(B)!.hash } }]);
    // Heads that do not hash to the signed root are not believed: nothing is named then.
    const forged = heads.map((h) => (h.streamId === B ? { ...h, hash: store.heads.get(B)!.hash } : h));
    expect((await verifyAgainstAnchor(store, anchor, { ...trusted, heads: forged })).differingStreams).toBeUndefined();
  });

  it('does not care about a rewrite after its position (a later anchor does)', async () => {
    const store = await log();
    const { anchor } = await createAnchor(store, signer);
    await store.append(C, [newEvent()], 1);
    const last = store.events.length - 1;
    const tail = { ...store.events[last]!, data: { rewritten: true } };
    tail.hash = computeEventHash(tail);
    store.events[last] = tail;
    store.heads.set(C, { version: 2, hash: tail.hash });
    expect((await verifyAgainstAnchor(store, anchor, trusted)).ok).toBe(true);
  });

  it('names the first broken link when an event was edited or deleted without recomputing', async () => {
    const edited = await log();
    const { anchor } = await createAnchor(edited, signer);
    edited.events[1] = { ...edited.events[1]!, data: { ...edited.events[1]!.data, n: -1 } };
    expect(await verifyAgainstAnchor(edited, anchor, trusted)).toMatchObject({ ok: false, problem: 'chain_break', firstBreak: { streamId: A, streamVersion: 2, problem: 'hash_mismatch' } });

    const deleted = await log();
    const { anchor: anchor2 } = await createAnchor(deleted, signer);
    deleted.events.splice(3, 1); // B v1
    expect(await verifyAgainstAnchor(deleted, anchor2, trusted)).toMatchObject({ ok: false, problem: 'chain_break', firstBreak: { streamId: B, streamVersion: 1, problem: 'version_gap' } });
  });

  it('catches a deleted last event, and a whole stream deleted', async () => {
    const store = await log();
    const { anchor, heads } = await createAnchor(store, signer);
    store.events.pop(); // A v4, the last event of the log
    store.heads.set(A, { version: 3, hash: store.events[2]!.hash });
    const result = await verifyAgainstAnchor(store, anchor, { ...trusted, heads });
    expect(result).toMatchObject({ ok: false, problem: 'root_mismatch', recomputedEventCount: 6 });
    expect(result.differingStreams?.map((d) => d.streamId)).toEqual([A]);

    const gone = await log();
    const { anchor: anchor2, heads: heads2 } = await createAnchor(gone, signer);
    gone.events.splice(5, 1); // C's only event
    gone.heads.delete(C);
    const result2 = await verifyAgainstAnchor(gone, anchor2, { ...trusted, heads: heads2 });
    expect(result2).toMatchObject({ ok: false, problem: 'root_mismatch', recomputedStreamCount: 2 });
    expect(result2.differingStreams).toEqual([{ streamId: C, anchored: { version: 1, hash: heads2[2]!.hash } }]);
  });

  it('refuses to sign a log that does not verify', async () => {
    const store = await log();
    store.events[4] = { ...store.events[4]!, occurredAt: '2000-01-01T00:00:00.000Z' };
    await expect(createAnchor(store, signer)).rejects.toBeInstanceOf(LogBrokenError);
    await expect(createAnchor(store, signer)).rejects.toMatchObject({ code: 'ANCHOR.LOG_BROKEN', firstBreak: { streamId: B, streamVersion: 2, problem: 'hash_mismatch' } });
  });

  it('loads a signing key from PKCS#8 DER and refuses one that is not Ed25519', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const der = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
    const again = new AnchorSigner(der);
    expect(new AnchorSigner(der).publicKey).toBe(again.publicKey);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => new AnchorSigner(ec)).toThrow(/Ed25519/);
  });
});
