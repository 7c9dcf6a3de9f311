import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { ProblemError, problem } from '../core/problem.js';
import { SNIFF_BYTES, sniff, type PlainTextCheck } from './content-types.js';

/** The form field that carries the file. */
export const FILE_FIELD = 'file';
const MAX_FILE_NAME = 255;

const badRequest = (code: string, field: string, rule: string, message: string) => new ProblemError(problem(400, code, message, { errors: [{ field, rule, message }] }));

/** A problem for an error raised while reading a multipart body: the client's input, never a 500. */
export function uploadProblem(error: unknown, limitBytes: number): ProblemError {
  if (error instanceof ProblemError) return error;
  switch ((error as { code?: unknown } | undefined)?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(limitBytes);
    case 'FST_FILES_LIMIT':
      return badRequest('UPLOAD.TOO_MANY_FILES', FILE_FIELD, 'maxFiles', 'send one file per request');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return badRequest('UPLOAD.TOO_MANY_PARTS', 'body', 'maxParts', 'the form has more parts than this upload accepts');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return notMultipart();
    default:
      // Busboy's own errors (no boundary, a malformed part header, a body that ends mid-part) and a closed connection.
      return badRequest('UPLOAD.MALFORMED', 'body', 'multipart', 'the body is not well-formed multipart/form-data');
  }
}

function tooLarge(limit: number): ProblemError {
  return new ProblemError(problem(413, 'UPLOAD.TOO_LARGE', `the file is larger than the upload limit of ${limit} bytes`, { limitBytes: limit }));
}

const notMultipart = () =>
  new ProblemError(problem(415, 'UPLOAD.NOT_MULTIPART', `send multipart/form-data with the file in a part named "${FILE_FIELD}"`, { errors: [{ field: FILE_FIELD, rule: 'multipart', message: 'the body must be multipart/form-data' }] }));

/** Awaits a step of the multipart parser, turning its errors into problems. */
async function step<T>(promise: Promise<T>, limitBytes: number): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw uploadProblem(error, limitBytes);
  }
}

/**
 * After a refusal in the middle of a multipart body: the rest of it is read and thrown away, and the
 * connection is closed after the answer. Left unread, the body would hold the connection open (the client
 * still sending, the server no longer reading); closed with unread data, the client could lose the answer.
 */
export function abandonUpload(request: FastifyRequest, reply: { header(name: string, value: string): unknown }): void {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  reply.header('connection', 'close');
  raw.unpipe();
  raw.on('data', () => undefined);
  raw.resume();
}

export interface UploadOptions {
  /** Largest file accepted, in bytes (the parser was registered with the same limit). */
  limitBytes: number;
  /** Names of the text fields the form may carry; they must come before the file. */
  fields: readonly string[];
}

/** The file part of an upload, read once: `content` streams the checked bytes. */
export interface UploadedFile {
  /** The name the client gave, without any folder part; undefined when none. Personal data: sealed when recorded. */
  fileName: string | undefined;
  /**
   * The file's bytes as they arrive, checked on the way: the size limit (413, UPLOAD.TOO_LARGE), not empty
   * (422, UPLOAD.EMPTY), the type sniffed from the first bytes against the allow-list (415,
   * UPLOAD.TYPE_NOT_ALLOWED), plain text valid over the whole file. Errors are thrown into the consumer,
   * which removes what it wrote. Holds at most SNIFF_BYTES in memory.
   */
  content: AsyncIterable<Buffer>;
  /** The sniffed media type; known once `content` has been read to the end. */
  mediaType(): string;
}

export interface Upload {
  fields: Record<string, string>;
  file: UploadedFile;
  /** Reads what follows the file: nothing may (400 UPLOAD.FIELD_AFTER_FILE / UPLOAD.TOO_MANY_FILES). */
  finish(): Promise<void>;
}

function cleanFileName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const base = raw.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base ? base.slice(0, MAX_FILE_NAME) : undefined;
}

async function drain(part: MultipartFile): Promise<void> {
  try {
    for await (const _ of part.file) {
      /* discard */
    }
  } catch {
    /* the refusal that follows says what went wrong */
  }
}

function checkedContent(part: MultipartFile, limitBytes: number, sniffed: { mediaType?: string }): AsyncIterable<Buffer> {
  return (async function* () {
    let total = 0;
    let head: Buffer[] = [];
    let headBytes = 0;
    let text: PlainTextCheck | undefined;
    let decided = false;
    const decide = async (): Promise<Buffer> => {
      const bytes = Buffer.concat(head, headBytes);
      head = [];
      const result = await sniff(bytes);
      if (!result.allowed) {
        throw new ProblemError(problem(415, 'UPLOAD.TYPE_NOT_ALLOWED', `files of type ${result.mediaType} are not accepted (the type is read from the content, not from the name or the declared type)`, { sniffedType: result.mediaType }));
      }
      sniffed.mediaType = result.mediaType;
      text = result.text;
      decided = true;
      return bytes;
    };
    const refuseText = () => new ProblemError(problem(415, 'UPLOAD.TYPE_NOT_ALLOWED', 'files of type application/octet-stream are not accepted: text must be UTF-8 without NUL bytes', { sniffedType: 'application/octet-stream' }));
    try {
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (part.file.truncated || total > limitBytes) throw tooLarge(limitBytes);
        if (!decided) {
          head.push(chunk);
          headBytes += chunk.length;
          if (headBytes >= SNIFF_BYTES) yield await decide();
          continue;
        }
        if (text && !text.push(chunk)) throw refuseText();
        yield chunk;
      }
    } catch (error) {
      throw uploadProblem(error, limitBytes);
    }
    if (part.file.truncated) throw tooLarge(limitBytes);
    if (total === 0) throw new ProblemError(problem(422, 'UPLOAD.EMPTY', 'the file is empty'));
    if (!decided) yield await decide();
    if (text && !text.end()) throw refuseText();
  })();
}

/**
 * Reads a `multipart/form-data` upload up to its file: the text fields first (any order among themselves,
 * each at most once, only the names the route accepts), then exactly one part named `file`. Fields sent
 * after the file are refused, so that a route can check everything before it stores a byte (browsers'
 * FormData and curl -F keep the order given).
 */
export async function readUpload(request: FastifyRequest, options: UploadOptions): Promise<Upload> {
  if (!request.isMultipart?.()) throw notMultipart();
  let iterator: AsyncIterator<Multipart>;
  try {
    iterator = request.parts()[Symbol.asyncIterator]();
  } catch (error) {
    throw uploadProblem(error, options.limitBytes);
  }
  const fields: Record<string, string> = {};
  for (;;) {
    const next = await step(iterator.next(), options.limitBytes);
    if (next.done) throw badRequest('UPLOAD.FILE_REQUIRED', FILE_FIELD, 'required', `the form has no file part named "${FILE_FIELD}"`);
    const part = next.value;
    if (part.type === 'field') {
      const name = part.fieldname;
      if (name === FILE_FIELD) throw badRequest('UPLOAD.FILE_REQUIRED', FILE_FIELD, 'isFile', `"${FILE_FIELD}" must be a file part (with a filename), not a text field`);
      if (!options.fields.includes(name)) throw badRequest('REQUEST.INVALID', name.slice(0, 100), 'unknownField', `${name.slice(0, 100)} is not a known field`);
      if (name in fields) throw badRequest('REQUEST.INVALID', name, 'single', `${name} is sent more than once`);
      if (part.valueTruncated || typeof part.value !== 'string') throw badRequest('REQUEST.INVALID', name, 'maxLength', `${name} is too long or not text`);
      fields[name] = part.value;
      continue;
    }
    if (part.fieldname !== FILE_FIELD) {
      await drain(part);
      throw badRequest('REQUEST.INVALID', part.fieldname.slice(0, 100), 'unknownField', `the file must be sent in a part named "${FILE_FIELD}"`);
    }
    const sniffed: { mediaType?: string } = {};
    const file: UploadedFile = {
      fileName: cleanFileName(part.filename),
      content: checkedContent(part, options.limitBytes, sniffed),
      mediaType: () => {
        if (!sniffed.mediaType) throw new Error('the media type is known once the content has been read');
        return sniffed.mediaType;
      },
    };
    const finish = async () => {
      const after = await step(iterator.next(), options.limitBytes);
      if (after.done) return;
      if (after.value.type === 'file') {
        await drain(after.value);
        throw uploadProblem({ code: 'FST_FILES_LIMIT' }, options.limitBytes);
      }
      throw badRequest('UPLOAD.FIELD_AFTER_FILE', after.value.fieldname.slice(0, 100), 'beforeFile', `send the form fields before the file (${after.value.fieldname.slice(0, 100)} came after it)`);
    };
    return { fields, file, finish };
  }
}
