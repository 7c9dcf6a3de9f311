import { createHash } from 'node:crypto';
import { EMPTY_MERKLE_ROOT, merkleRoot, merkleRootOfHeads, streamHeadLeaf, type StreamHead } from './merkle.js';

const sha = (...parts: Array<Buffer | string>) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** Published vectors: an outside verifier's implementation must give the same hex. */
const HEADS: StreamHead[] = [
  { streamId: 'tip-0190f1f4-0000-7000-8000-0000000000c2', version: 1, hash: 'b'.repeat(64) },
  { streamId: 'case-0190f1f4-0000-7000-8000-0000000000c1', version: 3, hash: 'a'.repeat(64) },
  { streamId: 'casenumber-PACC4-2570', version: 2, hash: 'c'.repeat(64) },
];

describe('Merkle root over stream heads', () => {
  it('hashes a leaf as SHA-256 of "<streamId>\\n<version>\\n<headHash>"', () => {
    expect(streamHeadLeaf(HEADS[1]!).toString('hex')).toBe('579524079e8702bc6737c02b7154aed041304254b6c8af2fd1a1035b86c7be88');
    expect(streamHeadLeaf(HEADS[0]!).toString('hex')).toBe('da3e0244412a952356c88eb56eb24c9669ec42018c191254592989b6d367caf9');
    expect(streamHeadLeaf(HEADS[2]!).toString('hex')).toBe('f975cd498a5062afa64e63045bd1ff5f4d312872ad061c580e72666ca363302b');
  });

  it('matches the published vector for three heads, whatever order they come in', () => {
    const root = '9f205ad6286ad93fa21309a7a937c99f36c7a50fd112fb217ce269320c906541';
    expect(merkleRootOfHeads(HEADS)).toBe(root);
    expect(merkleRootOfHeads([...HEADS].reverse())).toBe(root);
  });

  it('is SHA-256 of the empty string for no streams, and the leaf itself for one', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(EMPTY_MERKLE_ROOT).toBe(merkleRoot([]));
    const leaf = streamHeadLeaf(HEADS[0]!);
    expect(merkleRoot([leaf])).toBe(leaf.toString('hex'));
  });

  it('pairs left to right and promotes an odd last node unchanged', () => {
    const l = [0, 1, 2, 3, 4].map((i) => sha(`leaf ${i}`));
    const [a, b, c, d, e] = l as [Buffer, Buffer, Buffer, Buffer, Buffer];
    expect(merkleRoot([a, b])).toBe(sha(a, b).toString('hex'));
    expect(merkleRoot([a, b, c])).toBe(sha(sha(a, b), c).toString('hex'));
    expect(merkleRoot([a, b, c, d])).toBe(sha(sha(a, b), sha(c, d)).toString('hex'));
    expect(merkleRoot([a, b, c, d, e])).toBe(sha(sha(sha(a, b), sha(c, d)), e).toString('hex'));
  });

  it('changes when any head changes: version, hash, or a stream added or left out', () => {
    const root = merkleRootOfHeads(HEADS);
    expect(merkleRootOfHeads([{ ...HEADS[0]!, version: 2 }, HEADS[1]!, HEADS[2]!])).not.toBe(root);
    expect(merkleRootOfHeads([{ ...HEADS[0]!, hash: 'd'.repeat(64) }, HEADS[1]!, HEADS[2]!])).not.toBe(root);
    expect(merkleRootOfHeads(HEADS.slice(0, 2))).not.toBe(root);
    expect(merkleRootOfHeads([...HEADS, { streamId: 'visit-x', version: 1, hash: 'e'.repeat(64) }])).not.toBe(root);
  });
});
