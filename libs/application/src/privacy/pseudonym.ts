import { createHmac } from 'node:crypto';

/**
 * Reporter pseudonyms ("designations", after SecureDrop's two-word source names): what investigators see
 * instead of a reporter's identity. A pseudonym is HMAC-SHA256 under a server secret of the reporter's
 * reference, turned into two words and a number, e.g. "Amber Heron 417". It is the same in every view and
 * after every restart (it is computed, never stored), and without the secret it cannot be linked back to
 * the reference, nor the reference guessed from it.
 *
 * The reference is the tip the reporter filed (`tip:<tipId>`), not the subjectRef of their identity: an
 * anonymous reporter has no subjectRef, and one who names themselves later (or corrects their identity, a
 * new subjectRef) must keep the pseudonym the investigators already know.
 *
 * 64 × 64 words × 900 numbers ≈ 3.7 million designations: enough that two reporters of one case sharing a
 * pseudonym is very unlikely; it is a label, not an identifier — the tip id stays the key.
 */

const ADJECTIVES = [
  'Amber', 'Azure', 'Brave', 'Bright', 'Calm', 'Clever', 'Coral', 'Crimson',
  'Curious', 'Dawn', 'Deep', 'Distant', 'Dusky', 'Eager', 'Early', 'Emerald',
  'Fair', 'Gentle', 'Golden', 'Grand', 'Green', 'Hidden', 'Honest', 'Humble',
  'Indigo', 'Ivory', 'Jade', 'Keen', 'Kind', 'Lively', 'Lucky', 'Lunar',
  'Misty', 'Modest', 'Noble', 'Olive', 'Patient', 'Pearl', 'Plain', 'Quiet',
  'Rapid', 'Rosy', 'Ruby', 'Rustic', 'Sandy', 'Silent', 'Silver', 'Simple',
  'Sleepy', 'Snowy', 'Solar', 'Steady', 'Stormy', 'Sunny', 'Swift', 'Tidy',
  'Topaz', 'Tranquil', 'Velvet', 'Violet', 'Warm', 'Wild', 'Windy', 'Young',
] as const;

const NOUNS = [
  'Badger', 'Banyan', 'Bamboo', 'Beacon', 'Bison', 'Brook', 'Buffalo', 'Canyon',
  'Cedar', 'Cloud', 'Comet', 'Crane', 'Delta', 'Dolphin', 'Dune', 'Eagle',
  'Egret', 'Falcon', 'Fern', 'Finch', 'Fjord', 'Gecko', 'Glacier', 'Harbor',
  'Heron', 'Hornbill', 'Island', 'Jasmine', 'Kestrel', 'Lagoon', 'Lantern', 'Lotus',
  'Magpie', 'Mango', 'Meadow', 'Mekong', 'Mountain', 'Orchid', 'Otter', 'Owl',
  'Panda', 'Pebble', 'Pelican', 'Pine', 'Plover', 'Prairie', 'Rain', 'Reef',
  'River', 'Robin', 'Sparrow', 'Spruce', 'Stone', 'Swan', 'Teak', 'Thrush',
  'Tiger', 'Valley', 'Wave', 'Willow', 'Wren', 'Yak', 'Zebra', 'Zephyr',
] as const;

const CONTEXT = 'casetrail/reporter-pseudonym/v1\n';

/** The reporter reference a pseudonym is derived from: the tip they filed. */
export const reporterRef = (tipId: string): string => `tip:${tipId}`;

export class ReporterPseudonyms {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 16) throw new RangeError('the pseudonym secret must be at least 16 bytes');
  }

  /** "Amber Heron 417": deterministic for (secret, reference). */
  of(reference: string): string {
    const mac = createHmac('sha256', this.secret).update(CONTEXT + reference, 'utf8').digest();
    // 48 bits: 6 for each word (64 words, no modulo bias), the rest for the number.
    const n = mac.readUIntBE(0, 6);
    const adjective = ADJECTIVES[n % 64]!;
    const noun = NOUNS[Math.floor(n / 64) % 64]!;
    const number = 100 + (Math.floor(n / 4096) % 900);
    return `${adjective} ${noun} ${number}`;
  }

  forTip(tipId: string): string {
    return this.of(reporterRef(tipId));
  }
}

/** For tests and documentation: the word lists' sizes (both must stay 64). */
export const PSEUDONYM_WORDS = { adjectives: ADJECTIVES.length, nouns: NOUNS.length } as const;
