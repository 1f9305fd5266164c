import { createDocumentReader } from './createDocumentReader.js';
import { parseCommandLine } from './parseCommandLine.js';
import { DATA_DIR_OPTIONS_USAGE, resolveDataDir } from './resolveDataDir.js';

export const CHECK_USAGE = `Usage: tandem check [options]

Verifies every document of the data directory: its files parse, its log records are intact, its Yjs
state decodes and applies, and its content fits the document schema. Read-only and lock-free: works
while a server runs on it. Exits with 1 when a document is damaged.

Options:
${DATA_DIR_OPTIONS_USAGE}
  --json              print {"dataDir","documents":[{"name","status","warnings","problem"}],"damaged"}
  --help              print this help`;

/** How one document fared: `warnings` were repaired on load (as the server would), `damaged` cannot be read. */
export interface DocumentCheck {
  name: string;
  status: 'ok' | 'warnings' | 'damaged';
  warnings: string[];
  problem?: string;
  bytes?: number;
}

/** Checks every document of `dataDir`; a document deleted meanwhile is left out. */
export async function checkDataDir(dataDir: string): Promise<DocumentCheck[]> {
  const reader = createDocumentReader(dataDir);
  const checks: DocumentCheck[] = [];
  for (const name of await reader.listDocumentNames()) {
    const result = await reader.read(name);
    if (result.kind === 'missing') continue;
    if (result.kind === 'damaged') {
      checks.push({ name, status: 'damaged', warnings: [], problem: result.problem });
      continue;
    }
    result.doc.destroy();
    checks.push({ name, status: result.warnings.length > 0 ? 'warnings' : 'ok', warnings: result.warnings, bytes: result.bytes });
  }
  return checks;
}

/** One line per document (and per warning), as `check`, `backup` and `restore` print them. */
export function formatDocumentCheck(check: DocumentCheck): string {
  const head = `${check.status === 'warnings' ? 'warning' : check.status}`.padEnd(8);
  const detail = check.status === 'damaged' ? `: ${check.problem}` : '';
  return [`${head} ${check.name}${detail}`, ...check.warnings.map((warning) => `         ${check.name}: ${warning}`)].join('\n');
}

/** `tandem check`: returns the exit code (2 bad arguments, 1 something is damaged or unreadable). */
export async function runCheckCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  const line = parseCommandLine('check', CHECK_USAGE, argv, {
    options: { 'data-dir': { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
    positionals: { min: 0, max: 0, names: '' },
  });
  if (line === null) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  const dataDir = await resolveDataDir('check', CHECK_USAGE, env, line.values);
  const checks = await checkDataDir(dataDir);
  const damaged = checks.filter((check) => check.status === 'damaged').length;
  if (line.values.json) {
    process.stdout.write(`${JSON.stringify({ dataDir, documents: checks, damaged })}\n`);
  } else {
    for (const check of checks) process.stdout.write(`${formatDocumentCheck(check)}\n`);
    const withWarnings = checks.filter((check) => check.status === 'warnings').length;
    process.stdout.write(`${checks.length} document${checks.length === 1 ? '' : 's'} in ${dataDir}: ${checks.length - damaged - withWarnings} ok, ${withWarnings} repaired on load, ${damaged} damaged\n`);
    if (damaged > 0) process.stdout.write('See README, "Recovering a document".\n');
  }
  return damaged > 0 ? 1 : 0;
}
