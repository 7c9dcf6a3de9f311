import { createHash } from 'node:crypto';

/**
 * The Merkle root of an anchor, written out here rather than taken from a package: it is forty lines, an
 * auditor can read all of it, and an outside verifier can reimplement it from this description alone:
 *
 *   leaf  = SHA-256(UTF-8 "<streamId>\n<version>\n<headHash>")      one per stream, sorted by streamId (byte order)
 *   node  = SHA-256(left ‖ right)                                   over the two 32-byte digests
 *   level = pair the nodes left to right; an odd last node is promoted unchanged to the next level
 *   root  = the last node, hex; SHA-256 of the empty string when there are no streams
 *
 * A leaf's input is always longer than 64 bytes (a stream id, two separators and a 64-character hash),
 * an inner node's exactly 64, so a leaf can never be passed off as an inner node or the reverse.
 */

export interface StreamHead {
  streamId: string;
  version: number;
  /** `hash` of the stream's event at `version`. */
  hash: string;
}

const sha256 = (...parts: Array<Buffer | string>): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export const EMPTY_MERKLE_ROOT = sha256('').toString('hex');

export function streamHeadLeaf(head: StreamHead): Buffer {
  return sha256(`${head.streamId}\n${head.version}\n${head.hash}`);
}

/** Root over leaves already in order. */
export function merkleRoot(leaves: readonly Buffer[]): string {
  if (leaves.length === 0) return EMPTY_MERKLE_ROOT;
  let level: Buffer[] = [...leaves];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha256(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!.toString('hex');
}

/** Stream heads sorted by the UTF-8 bytes of their ids (for ASCII ids, the plain string order). */
export function sortHeads(heads: Iterable<StreamHead>): StreamHead[] {
  return [...heads]
    .map((head) => ({ head, key: Buffer.from(head.streamId, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ head }) => head);
}

/** Root over stream heads in any order: they are sorted by stream id first. */
export function merkleRootOfHeads(heads: Iterable<StreamHead>): string {
  return merkleRoot(sortHeads(heads).map(streamHeadLeaf));
}
