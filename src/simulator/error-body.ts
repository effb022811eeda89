import type { FastifyReply } from 'fastify';

/** StackOne's error body: `{statusCode, message, timestamp}` (STACKONE.md §1). */
export function sendStackOneError(
  reply: FastifyReply,
  statusCode: number,
  message: string,
  extra?: Record<string, unknown>,
): FastifyReply {
  return reply
    .code(statusCode)
    .send({ statusCode, message, timestamp: new Date().toISOString(), ...extra });
}
