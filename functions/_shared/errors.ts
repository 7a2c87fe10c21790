/**
 * The one error shape every function answers with, taken from the seed API:
 * `{ statusCode, message, error, details: [{ field, message }] }`.
 * `details` is always an array (empty when there is nothing per-field to say), so clients can rely on it.
 */
import { z, type ZodError } from 'zod';

/** The error shape as a schema, for the OpenAPI documents. */
export const errorBodySchema = z.object({
  statusCode: z.number().int().describe('The HTTP status'),
  message: z.string().describe('What went wrong, for people'),
  error: z.string().describe('The reason phrase of the status'),
  details: z.array(z.object({ field: z.string(), message: z.string() })).describe('One entry per invalid field; empty otherwise'),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type ErrorDetail = ErrorBody['details'][number];

/** Reason phrases for the statuses we answer with; anything else falls back to the class of the code. */
const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return reasonPhrases[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** An error that already knows the HTTP answer it deserves. Throw it anywhere in a handler. */
export class HttpError extends Error {
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, details: ErrorDetail[] = [], headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.details = details;
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return { statusCode: this.status, message: this.message, error: reasonPhrase(this.status), details: this.details };
  }
}

export function validationError(error: ZodError, prefix?: string): HttpError {
  const details = error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.') || '(root)',
    message: issue.message,
  }));
  return new HttpError(400, 'Validation failed', details);
}

/**
 * Postgres errors raised by constraints, RLS and our own `raise` statements, mapped to HTTP.
 * Only the SQLSTATE and our own messages travel to the client: constraint and column names stay server-side
 * unless a function decides otherwise.
 */
const sqlStateStatus: Array<[RegExp, number, string]> = [
  [/^42501$/, 403, 'You are not allowed to do that'], // insufficient_privilege, including RLS with-check violations
  [/^23505$/, 409, 'That already exists'], // unique_violation
  [/^23P01$/, 409, 'That conflicts with an existing record'], // exclusion_violation
  [/^40001$|^40P01$/, 409, 'The request conflicted with another one; retry it'], // serialization failure, deadlock
  [/^23503$/, 422, 'A referenced record does not exist'], // foreign_key_violation
  [/^23514$|^23502$|^22/, 400, 'Invalid value'], // check/not-null violations, data exceptions
  [/^P0002$/, 404, 'Not found'], // no_data_found
];

/**
 * Our SQL raises application errors with PostgREST's convention, SQLSTATE 'PT' + HTTP status (`errcode = 'PT404'`),
 * so an RPC answers the same status through PostgREST (supabase-js) as through a function.
 */
const applicationSqlState = /^PT(\d{3})$/;

export function fromPostgresError(error: unknown): HttpError | undefined {
  if (!error || typeof error !== 'object' || !('code' in error) || typeof error.code !== 'string') return undefined;
  const code = error.code;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  const application = applicationSqlState.exec(code);
  if (application) {
    const status = Number(application[1]);
    return new HttpError(status >= 400 && status < 600 ? status : 400, message);
  }
  for (const [pattern, status, text] of sqlStateStatus) {
    if (pattern.test(code)) return new HttpError(status, text);
  }
  return undefined;
}
