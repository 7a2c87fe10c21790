/** Progress output for long-running scripts: every step says what it is doing, how long it took, and on failure what to do. */
export class StepError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'StepError';
  }
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = (text: string) => paint(1, text);
export const dim = (text: string) => paint(2, text);
export const green = (text: string) => paint(32, text);
export const red = (text: string) => paint(31, text);
export const yellow = (text: string) => paint(33, text);

export function seconds(startedMs: number): string {
  return `${((performance.now() - startedMs) / 1000).toFixed(1)}s`;
}

export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  console.log(`${dim('…')} ${label}`);
  try {
    const result = await work();
    console.log(`${green('✓')} ${label} ${dim(`(${seconds(started)})`)}`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${red('✗')} ${label} failed after ${seconds(started)}: ${message}`);
    if (error instanceof StepError && error.hint) console.error(`  ${yellow('→')} ${error.hint}`);
    throw error;
  }
}
