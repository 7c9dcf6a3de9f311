import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { canonicalJson, type ChainBreak } from '../event-store/envelope.js';
import { START_POSITION, type EventStore } from '../event-store/event-store.port.js';
import { checkLink } from '../event-store/verification.js';
import { merkleRootOfHeads, sortHeads, type StreamHead } from './merkle.js';

export const ANCHOR_FORMAT = 'casetrail-anchor/v1';

/** What is signed: the canonical JSON (RFC 8785) of every field below, as UTF-8. */
export interface AnchorBody {
  format: typeof ANCHOR_FORMAT;
  anchorId: string;
  /** Global position of the last event covered; '' for an empty log. */
  position: string;
  streamCount: number;
  eventCount: number;
  /** Merkle root over the heads of every stream as they were at `position` (merkle.ts). */
  merkleRoot: string;
  createdAt: string;
  /** First 16 hex digits of SHA-256 over the public key's SPKI DER. */
  keyId: string;
  /** Ed25519 public key, SPKI DER, base64. */
  publicKey: string;
}

/** An anchor as exported: verifiable offline with nothing but this JSON and the office's published key. */
export interface SignedAnchor extends AnchorBody {
  /** Ed25519 signature over anchorMessage(body), base64. */
  signature: string;
}

export interface StoredAnchor {
  anchor: SignedAnchor;
  /** The user who asked for it; absent for a scheduled anchor. */
  createdBy?: string;
}

/**
 * Where signed anchors are kept, with the stream heads each one covers (those are not signed themselves:
 * they hash to the signed root, which is what lets a verification name the streams that changed).
 */
export abstract class AnchorStore {
  abstract save(anchor: SignedAnchor, heads: readonly StreamHead[], createdBy?: string): Promise<void>;
  /** Newest first. */
  abstract list(limit: number): Promise<StoredAnchor[]>;
  abstract get(anchorId: string): Promise<StoredAnchor | undefined>;
  abstract heads(anchorId: string): Promise<StreamHead[] | undefined>;
}

export function anchorMessage(body: AnchorBody): Buffer {
  const { format, anchorId, position, streamCount, eventCount, merkleRoot, createdAt, keyId, publicKey } = body;
  return Buffer.from(canonicalJson({ format, anchorId, position, streamCount, eventCount, merkleRoot, createdAt, keyId, publicKey }), 'utf8');
}

export function keyIdOf(publicKeyDer: Buffer): string {
  return createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 16);
}

/** The office's anchor-signing key (Ed25519). Only the public half ever leaves this object. */
export class AnchorSigner {
  readonly publicKey: string;
  readonly keyId: string;
  private readonly privateKey: KeyObject;

  /** `key`: a private KeyObject, or PKCS#8 DER. */
  constructor(key: KeyObject | Buffer) {
    this.privateKey = Buffer.isBuffer(key) ? createPrivateKey({ key, format: 'der', type: 'pkcs8' }) : key;
    if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('the anchor-signing key must be an Ed25519 private key');
    const der = createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' });
    this.publicKey = der.toString('base64');
    this.keyId = keyIdOf(der);
  }

  static generate(): AnchorSigner {
    return new AnchorSigner(generateKeyPairSync('ed25519').privateKey);
  }

  sign(body: AnchorBody): string {
    return sign(null, anchorMessage(body), this.privateKey).toString('base64');
  }
}

/** Whether the signature verifies under the key the anchor names (which says nothing about trusting that key). */
export function verifyAnchorSignature(anchor: SignedAnchor): boolean {
  try {
    if (anchor.format !== ANCHOR_FORMAT) return false;
    const der = Buffer.from(anchor.publicKey, 'base64');
    if (keyIdOf(der) !== anchor.keyId) return false;
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, anchorMessage(anchor), key, Buffer.from(anchor.signature, 'base64'));
  } catch {
    return false;
  }
}

export class LogBrokenError extends Error {
  readonly code = 'ANCHOR.LOG_BROKEN';
  constructor(readonly firstBreak: ChainBreak) {
    super(`the event log does not verify (${firstBreak.streamId} v${firstBreak.streamVersion}: ${firstBreak.problem}); refusing to sign it`);
    this.name = 'LogBrokenError';
  }
}

interface Walk {
  /** Heads as they were at `upTo` (at the end of the log when no `upTo` was given or the log ends first). */
  heads: StreamHead[];
  eventsUpTo: number;
  /** Last position seen up to `upTo`. */
  position: string;
  /** Every event read, before and after `upTo`. */
  events: number;
  firstBreak?: ChainBreak;
  /** Whether the break (if any) lies at or before `upTo`. */
  breakBeforeSnapshot: boolean;
}

/**
 * One pass over the global log that checks every chain as verifyEventLog does and takes the heads of all
 * streams as they stood at position `upTo`. With `toEnd`, it goes on past `upTo` to the end of the log
 * (checking the rest too, and each stream's last version against the store); otherwise it stops there.
 */
async function walkLog(store: EventStore, options: { upTo?: string; toEnd: boolean; pageSize?: number }): Promise<Walk> {
  const heads = new Map<string, { version: number; hash: string }>();
  let snapshot: StreamHead[] | undefined;
  let eventsUpTo = 0;
  let events = 0;
  let position = START_POSITION;
  let lastUpTo = START_POSITION;
  const takeSnapshot = () => {
    snapshot = [...heads].map(([streamId, head]) => ({ streamId, version: head.version, hash: head.hash }));
    eventsUpTo = events;
    lastUpTo = position;
  };
  const result = (firstBreak?: ChainBreak): Walk => {
    const before = snapshot === undefined;
    if (!snapshot) takeSnapshot();
    return { heads: sortHeads(snapshot!), eventsUpTo, position: lastUpTo, events, breakBeforeSnapshot: firstBreak !== undefined && before, ...(firstBreak ? { firstBreak } : {}) };
  };
  for (;;) {
    const page = await store.readAllHashed(position, options.pageSize ?? 5000);
    for (const event of page.events) {
      if (options.upTo !== undefined && snapshot === undefined && event.position > options.upTo) {
        takeSnapshot();
        if (!options.toEnd) return result();
      }
      events += 1;
      const problem = checkLink(heads.get(event.streamId), event);
      if (problem) return result(problem);
      heads.set(event.streamId, { version: event.streamVersion, hash: event.hash });
      position = event.position;
    }
    if (page.events.length === 0) break;
    position = page.next;
    // Hashing a large log takes a while: let requests in between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (options.toEnd) {
    // Past the last event: the anchored heads are final now, and what follows concerns the log as it is.
    if (!snapshot) takeSnapshot();
    // A deleted last event leaves no gap behind it: compare each stream's head with what the store reports.
    for (const [streamId, head] of heads) {
      const version = await store.streamVersion(streamId);
      if (version !== head.version) return result({ streamId, streamVersion: head.version + 1, problem: 'version_gap' });
    }
  }
  return result();
}

/**
 * Signs the heads of every stream up to the current end of the global log. The log is verified on the
 * way (every chain, as verifyEventLog does): a log that already fails is never signed.
 */
export async function createAnchor(
  store: EventStore,
  signer: AnchorSigner,
  options: { now?: () => string; newId?: () => string; pageSize?: number } = {},
): Promise<{ anchor: SignedAnchor; heads: StreamHead[] }> {
  const walk = await walkLog(store, { toEnd: false, ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
  if (walk.firstBreak) throw new LogBrokenError(walk.firstBreak);
  const body: AnchorBody = {
    format: ANCHOR_FORMAT,
    anchorId: (options.newId ?? uuidv7)(),
    position: walk.position,
    streamCount: walk.heads.length,
    eventCount: walk.eventsUpTo,
    merkleRoot: merkleRootOfHeads(walk.heads),
    createdAt: (options.now ?? (() => new Date().toISOString()))(),
    keyId: signer.keyId,
    publicKey: signer.publicKey,
  };
  return { anchor: { ...body, signature: signer.sign(body) }, heads: walk.heads };
}

export type AnchorProblem = 'signature_invalid' | 'unknown_key' | 'chain_break' | 'root_mismatch';

export interface HeadDifference {
  streamId: string;
  /** The stream's head in the anchor; absent when the stream was not there then. */
  anchored?: { version: number; hash: string };
  /** The head recomputed now for the same position; absent when the stream is gone. */
  found?: { version: number; hash: string };
}

export interface AnchorVerification {
  ok: boolean;
  anchorId: string;
  position: string;
  problem?: AnchorProblem;
  /** For chain_break: the first broken link, in global order (possibly after the anchor's position). */
  firstBreak?: ChainBreak;
  /** Root recomputed from the log as it is now, for the anchor's position. */
  recomputedRoot?: string;
  recomputedStreamCount?: number;
  recomputedEventCount?: number;
  /** For root_mismatch, when the anchor's own list of heads is at hand: the streams that differ (first 50). */
  differingStreams?: HeadDifference[];
  /** Events checked in all (up to the anchor and after it). */
  eventsChecked: number;
}

const MAX_DIFFERENCES = 50;

function headDifferences(anchored: readonly StreamHead[], found: readonly StreamHead[]): HeadDifference[] {
  const now = new Map(found.map((h) => [h.streamId, h]));
  const differences: HeadDifference[] = [];
  for (const head of anchored) {
    const current = now.get(head.streamId);
    now.delete(head.streamId);
    if (current && current.version === head.version && current.hash === head.hash) continue;
    differences.push({ streamId: head.streamId, anchored: { version: head.version, hash: head.hash }, ...(current ? { found: { version: current.version, hash: current.hash } } : {}) });
  }
  for (const extra of now.values()) differences.push({ streamId: extra.streamId, found: { version: extra.version, hash: extra.hash } });
  return differences.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0)).slice(0, MAX_DIFFERENCES);
}

/**
 * Proves that nothing up to the anchor's position was rewritten since it was signed — even by someone who
 * recomputed every hash: the signature must verify (under a trusted key, when `trustedKeys` is given), the
 * heads of every stream recomputed from the log as it stood at that position must hash to the signed
 * Merkle root, and every chain must verify (the whole log is checked, not only the anchored part).
 * `heads` (the anchor's stored list) is used only to name the streams that changed, and only when it
 * hashes to the signed root itself.
 */
export async function verifyAgainstAnchor(
  store: EventStore,
  anchor: SignedAnchor,
  options: { trustedKeys?: readonly string[]; heads?: readonly StreamHead[]; pageSize?: number } = {},
): Promise<AnchorVerification> {
  const base = { anchorId: anchor.anchorId, position: anchor.position };
  if (!verifyAnchorSignature(anchor)) return { ...base, ok: false, problem: 'signature_invalid', eventsChecked: 0 };
  if (options.trustedKeys && !options.trustedKeys.includes(anchor.publicKey)) return { ...base, ok: false, problem: 'unknown_key', eventsChecked: 0 };
  const walk = await walkLog(store, { upTo: anchor.position, toEnd: true, ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
  const recomputedRoot = merkleRootOfHeads(walk.heads);
  const recomputed = { recomputedRoot, recomputedStreamCount: walk.heads.length, recomputedEventCount: walk.eventsUpTo, eventsChecked: walk.events };
  const firstBreak = walk.firstBreak;
  if (firstBreak && walk.breakBeforeSnapshot) return { ...base, ...recomputed, ok: false, problem: 'chain_break', firstBreak };
  if (recomputedRoot !== anchor.merkleRoot || walk.eventsUpTo !== anchor.eventCount || walk.heads.length !== anchor.streamCount) {
    const trustedHeads = options.heads && merkleRootOfHeads(options.heads) === anchor.merkleRoot ? options.heads : undefined;
    return { ...base, ...recomputed, ok: false, problem: 'root_mismatch', ...(trustedHeads ? { differingStreams: headDifferences(trustedHeads, walk.heads) } : {}) };
  }
  if (firstBreak) return { ...base, ...recomputed, ok: false, problem: 'chain_break', firstBreak };
  return { ...base, ...recomputed, ok: true };
}
