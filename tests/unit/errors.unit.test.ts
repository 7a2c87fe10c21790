import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toHttpError } from '../../functions/_shared/app.ts';
import { fromPostgresError, HttpError, reasonPhrase, validationError } from '../../functions/_shared/errors.ts';

describe('the seed error shape', () => {
  it('renders statusCode, message, error and details', () => {
    expect(new HttpError(409, 'Already booked', [{ field: 'scheduledAt', message: 'taken' }]).toBody()).toEqual({
      statusCode: 409,
      message: 'Already booked',
      error: 'Conflict',
      details: [{ field: 'scheduledAt', message: 'taken' }],
    });
  });

  it('always has a details array, empty when nothing is per-field', () => {
    expect(new HttpError(401, 'Missing bearer token').toBody().details).toEqual([]);
  });

  it('names every status we answer with', () => {
    expect([400, 401, 403, 404, 409, 413, 415, 422, 500, 503].map(reasonPhrase)).toEqual([
      'Bad Request', 'Unauthorized', 'Forbidden', 'Not Found', 'Conflict', 'Payload Too Large',
      'Unsupported Media Type', 'Unprocessable Entity', 'Internal Server Error', 'Service Unavailable',
    ]);
  });
});

describe('validation errors from zod', () => {
  const schema = z.object({ email: z.email(), profile: z.object({ age: z.number().int().min(13) }) });

  it('become a 400 with one detail per invalid field, nested paths dotted', () => {
    const result = schema.safeParse({ email: 'nope', profile: { age: 3 } });
    expect(result.success).toBe(false);
    const error = validationError(result.error!);
    expect(error.status).toBe(400);
    expect(error.message).toBe('Validation failed');
    expect(error.details.map((detail) => detail.field)).toEqual(['email', 'profile.age']);
  });

  it('name the root when the body itself is wrong', () => {
    const result = schema.safeParse('a string');
    expect(validationError(result.error!).details[0].field).toBe('(root)');
  });
});

describe('Postgres errors', () => {
  it.each([
    ['42501', 403],
    ['23505', 409],
    ['23P01', 409],
    ['40001', 409],
    ['23503', 422],
    ['23514', 400],
    ['22P02', 400],
    ['P0002', 404],
  ])('SQLSTATE %s maps to %i', (code, status) => {
    expect(fromPostgresError({ code, message: 'constraint profiles_x_check on column secret' })?.status).toBe(status);
  });

  it('never leak constraint names or SQL text to the client', () => {
    expect(fromPostgresError({ code: '23505', message: 'duplicate key value violates unique constraint "profiles_pkey"' })?.message)
      .toBe('That already exists');
  });

  it('carry our own application errors (SQLSTATE PTnnn, the PostgREST convention) with their message and status', () => {
    const error = fromPostgresError({ code: 'PT422', message: 'That slot is no longer available' });
    expect(error?.toBody()).toEqual({ statusCode: 422, message: 'That slot is no longer available', error: 'Unprocessable Entity', details: [] });
  });

  it('leave unknown errors to become a generic 500 without their message', () => {
    expect(fromPostgresError(new Error('boom'))).toBeUndefined();
    const error = toHttpError(new Error('secret internals'));
    expect(error.status).toBe(500);
    expect(error.message).toBe('Internal server error');
  });

  it('answer 503 when the database cannot be reached', () => {
    expect(toHttpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).status).toBe(503);
  });
});
