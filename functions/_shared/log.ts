/**
 * Structured JSON logs, one object per line, as Supabase's log explorer reads them.
 * Never pass request bodies or message text here: journal and chat content are the most sensitive data we hold.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function log(level: Level, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
