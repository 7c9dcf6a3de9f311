import fastifyMultipart from '@fastify/multipart';
import { applyDecorators } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '#config';
import { sendProblem } from '../core/problem-details.filter.js';
import { ProblemError, problem } from '../core/problem.js';

/** Marks the Fastify route config of the handlers that read multipart bodies. */
const UPLOAD_ROUTE = 'casetrailUpload';

/** Form fields of an upload: how many, and how long each may be (the longest is a description). */
export const UPLOAD_FIELD_LIMITS = { fields: 20, fieldSize: 16 * 1024, fieldNameSize: 100, parts: 22, headerPairs: 50 } as const;

/** A route that reads `multipart/form-data` (one file); every other route keeps refusing it with 415. */
export const UploadRoute = () => applyDecorators(RouteConfig({ [UPLOAD_ROUTE]: true }), ApiConsumes('multipart/form-data'));

/**
 * Registers @fastify/multipart with the upload limits from configuration: one file per request of at most
 * CASETRAIL_UPLOAD_LIMIT_BYTES. The multipart parser does not read the body (handlers stream it), so the JSON
 * body limit does not apply to uploads. Routes not marked with @UploadRoute() answer a multipart body with the
 * same 415 as any other body that is not JSON.
 */
export async function registerUploads(app: NestFastifyApplication, config: Pick<AppConfig, 'uploadLimitBytes'>): Promise<void> {
  await app.register(fastifyMultipart as never, {
    limits: { ...UPLOAD_FIELD_LIMITS, files: 1, fileSize: config.uploadLimitBytes },
    throwFileSizeLimit: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.isMultipart?.()) return;
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (config?.[UPLOAD_ROUTE] === true) return;
    sendProblem(reply, new ProblemError(problem(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'send application/json')), request.log, request);
    return reply;
  });
}
