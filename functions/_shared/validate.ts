/**
 * Request parsing with zod: bad input becomes a 400 in the seed's error shape with one detail per field,
 * before any database call.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { HttpError, validationError } from './errors.ts';

export function parseWith<Schema extends z.ZodType>(schema: Schema, data: unknown, fieldPrefix?: string): z.output<Schema> {
  const result = schema.safeParse(data);
  if (!result.success) throw validationError(result.error, fieldPrefix);
  return result.data;
}

/** Parses a JSON body; a wrong content type is a 415 and unparsable JSON a 400, never a 500. */
export async function jsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.output<Schema>> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new HttpError(415, 'Content-Type must be application/json');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, 'Malformed JSON body', [{ field: '(body)', message: 'Body is not valid JSON' }]);
  }
  return parseWith(schema, body);
}

/** Parses the query string (single values; repeated keys keep the last one, as URLSearchParams.get would not). */
export function queryParams<Schema extends z.ZodType>(c: Context, schema: Schema): z.output<Schema> {
  return parseWith(schema, c.req.query());
}

/** A calendar date written YYYY-MM-DD (2025-02-30 is refused, not rolled over). */
export const isoDate = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2025-01-31')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'Not a calendar date');

/** An instant with an explicit UTC offset or Z, e.g. 2025-01-15T10:00:00Z; a local time without offset is ambiguous. */
export const isoInstant = z.iso.datetime({ offset: true, error: 'Use an ISO 8601 date-time with an offset, like 2025-01-15T10:00:00Z' });
