import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PersonalDataField, PersonalDataMap } from '#domain';
import type { KeyVault } from './key-vault.port.js';

/** How a personal-data field is stored: AES-256-GCM, AAD = `${eventId}/${path}`, ct = ciphertext ‖ tag. */
export interface SealedValue {
  enc: 'v1';
  kid: string;
  iv: string;
  ct: string;
}

/** What a sealed field reads as once its subject's key has been shredded. */
export interface ErasedValue {
  erased: true;
}

export const ERASED: ErasedValue = Object.freeze({ erased: true });

export function isSealed(value: unknown): value is SealedValue {
  return typeof value === 'object' && value !== null && (value as SealedValue).enc === 'v1' && typeof (value as SealedValue).kid === 'string';
}

export function isErased(value: unknown): value is ErasedValue {
  return typeof value === 'object' && value !== null && (value as ErasedValue).erased === true;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

// IVs come from a pool refilled from the CSPRNG: one randomFill per 4,096 IVs instead of one per field.
const IV_POOL_SIZE = IV_BYTES * 4096;
let ivPool = Buffer.alloc(0);
let ivOffset = IV_POOL_SIZE;

function freshIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_SIZE);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

export function sealWithKey(key: Buffer, kid: string, aad: string, value: unknown): SealedValue {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { enc: 'v1', kid, iv: iv.toString('base64'), ct: ct.toString('base64') };
}

export function openWithKey(key: Buffer, aad: string, sealed: SealedValue): unknown {
  const ct = Buffer.from(sealed.ct, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(ct.subarray(0, ct.length - TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}

type Json = Record<string, unknown>;

/**
 * Calls `visit` for every value at `path` (dot-separated, `[]` = each array element) inside `data`.
 * With `copy`, every object and array on the way is copied first (copy-on-write): the caller's data is
 * never changed, and nothing off the paths is cloned.
 */
function visitPath(data: Json, path: string, visit: (holder: Json, key: string, concretePath: string) => void, copy = false): void {
  const walk = (holder: Json, segments: string[], concrete: string): void => {
    const [head, ...tail] = segments;
    if (head === undefined) return;
    const isArray = head.endsWith('[]');
    const key = isArray ? head.slice(0, -2) : head;
    const value = holder[key];
    if (value === undefined || value === null) return;
    const here = concrete ? `${concrete}.${key}` : key;
    if (!isArray && tail.length === 0) return visit(holder, key, here);
    if (isArray ? !Array.isArray(value) : typeof value !== 'object') return;
    const child = (copy ? (Array.isArray(value) ? [...value] : { ...(value as Json) }) : value) as Json;
    if (copy) holder[key] = child;
    if (!isArray) return walk(child, tail, here);
    (child as unknown as unknown[]).forEach((item, index) => {
      const at = `${here}[${index}]`;
      if (tail.length === 0) return visit(child, String(index), at);
      if (item === null || typeof item !== 'object') return;
      const element = (copy ? { ...(item as Json) } : item) as Json;
      if (copy) (child as unknown as unknown[])[index] = element;
      walk(element, tail, at);
    });
  };
  walk(data, path.split('.'), '');
}

function subjectOf(field: PersonalDataField, streamId: string, data: Json): string | undefined {
  if (field.subject === 'stream') return streamId;
  const ref = data[field.subject.field];
  return typeof ref === 'string' && ref.length > 0 ? ref : undefined;
}

/**
 * Seals the personal-data fields of events before they are stored, and opens them for readers that may
 * see them. Works on copies; the hash chain covers the ciphertext, so shredding a key never breaks it.
 */
export class PersonalDataSealer {
  constructor(private readonly vault: KeyVault) {}

  async seal(map: PersonalDataMap, streamId: string, eventId: string, type: string, data: Json): Promise<{ data: Json; piiSubjects: string[] }> {
    const fields = map[type];
    if (!fields || fields.length === 0) return { data, piiSubjects: [] };
    const copy = { ...data };
    const subjects = new Set<string>();
    for (const field of fields) {
      const subject = subjectOf(field, streamId, data);
      if (subject === undefined) throw new Error(`event ${type}: no subject for personal-data field ${field.path}`);
      const targets: Array<[Json, string, string]> = [];
      visitPath(copy, field.path, (holder, key, concretePath) => targets.push([holder, key, concretePath]), true);
      if (targets.length === 0) continue;
      const { kid, key } = await this.vault.keyFor(subject);
      subjects.add(subject);
      for (const [holder, k, concretePath] of targets) holder[k] = sealWithKey(key, kid, `${eventId}/${concretePath}`, holder[k]);
    }
    return { data: copy, piiSubjects: [...subjects].sort() };
  }

  /**
   * Opens every sealed field the `allow` predicate admits (by concrete path); others stay sealed.
   * A field whose key has been shredded becomes ERASED.
   */
  async open(map: PersonalDataMap, eventId: string, type: string, data: Json, allow: (path: string) => boolean = () => true): Promise<Json> {
    const fields = map[type];
    if (!fields || fields.length === 0) return data;
    const copy = { ...data };
    // Copy every object on the fields' paths first, then open into the final copies: copying per field while the
    // key lookups are still running would let a later field replace a parent (custody) that an earlier field's
    // lookup (custody.holder) is about to write into, and that field would stay sealed.
    for (const field of fields) visitPath(copy, field.path, () => undefined, true);
    const pending: Array<Promise<void>> = [];
    for (const field of fields) {
      visitPath(
        copy,
        field.path,
        (holder, key, concretePath) => {
          const value = holder[key];
          if (!isSealed(value) || !allow(concretePath)) return;
          pending.push(
            this.vault.keyById(value.kid).then((k) => {
              holder[key] = k ? openWithKey(k, `${eventId}/${concretePath}`, value) : ERASED;
            }),
          );
        },
      );
    }
    await Promise.all(pending);
    return copy;
  }
}
