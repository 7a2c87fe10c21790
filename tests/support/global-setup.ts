// The suites need what `npm test` provides; run alone, say so instead of failing on a connection error.
export default function requireTestStack(): void {
  const missing = ['DB_URL', 'JWT_SECRET', 'FUNCTIONS_URL', 'API_URL', 'ANON_KEY'].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(`vitest needs ${missing.join(', ')}: run the suites with \`npm test\`, which creates the database and serves the functions and PostgREST`);
  }
}
