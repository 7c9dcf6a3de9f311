import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { problem, ProblemError } from './core/problem.js';
import { sendProblem } from './core/problem-details.filter.js';

/**
 * The web app's pages may run only their own scripts and styles and talk only to this origin; nothing may
 * frame them. React sets styles through the CSSOM, which `style-src 'self'` allows.
 */
export const WEB_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Paths that belong to the API or the operators, never to the web app. */
const NOT_WEB = /^\/(api|health|ready|metrics)(\/|\?|$)/;

export function isWebPath(url: string): boolean {
  return !NOT_WEB.test(url);
}

/**
 * Serves the built web app (dist/web) from the same origin as the API: hashed files under /assets (cached for a
 * year), the public whistleblower page at /report, and the staff app at / and every other path it routes
 * itself (a reload of /cases/123 gets the app, which shows the case). Unknown /api paths still get a 404
 * problem. Without a build (an API-only deployment, or tests that never built it) nothing is registered.
 */
export async function registerWebApp(app: NestFastifyApplication, webDir: string, logger: Logger): Promise<boolean> {
  if (!existsSync(join(webDir, 'index.html')) || !existsSync(join(webDir, 'report.html'))) {
    logger.info({ webDir }, 'no web app build found: the API is served without its pages (run npm run build)');
    return false;
  }
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root: join(webDir, 'assets'),
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: false,
    // Hashed asset names change with their content: cached for a year. The pages are revalidated every time.
    setHeaders: (response, path) => void response.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  const page = (file: 'index.html' | 'report.html') => (_request: FastifyRequest, reply: FastifyReply) => reply.sendFile(file, webDir);
  fastify.get('/report', page('report.html'));
  fastify.get('/report/*', page('report.html'));
  fastify.get('/', page('index.html'));
  fastify.get('/*', (request, reply) => {
    if (!isWebPath(request.url)) {
      sendProblem(reply, new ProblemError(problem(404, 'ROUTE.NOT_FOUND', `no route GET ${request.url.split('?')[0]}`)), request.log, request);
      return reply;
    }
    return page('index.html')(request, reply);
  });
  return true;
}
