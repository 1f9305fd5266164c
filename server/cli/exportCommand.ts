import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { checkDocumentName } from '../../common/documentName.js';
import { EXPORT_FORMATS, type ExportFormat } from '../content/createContentExporter.js';
import { createDocumentReader } from './createDocumentReader.js';
import { parseCommandLine } from './parseCommandLine.js';
import { DATA_DIR_OPTIONS_USAGE, resolveDataDir } from './resolveDataDir.js';
import { UsageError } from './UsageError.js';

export const EXPORT_USAGE = `Usage: tandem export NAME [options]

Writes the document NAME out of the data directory. Read-only and lock-free: works while a server runs on it
(you get the document as last saved).

Options:
  --output FILE|-     where to write (default -, standard output)
  --format FORMAT     ${EXPORT_FORMATS.join('|')} (default: from the output file's extension
                      .json .html .md .txt .yjs, else markdown)
${DATA_DIR_OPTIONS_USAGE}
  --help              print this help`;

const FORMAT_BY_EXTENSION: Record<string, ExportFormat> = {
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.yjs': 'yjs',
};

/** `tandem export`: returns the exit code (2 bad arguments, 1 failure). */
export async function runExportCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  const line = parseCommandLine('export', EXPORT_USAGE, argv, {
    options: { output: { type: 'string', short: 'o' }, format: { type: 'string' }, 'data-dir': { type: 'string' }, config: { type: 'string' } },
    positionals: { min: 1, max: 1, names: 'the document NAME' },
  });
  if (line === null) {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  const documentName = line.positionals[0]!;
  const output = line.values.output ?? '-';
  const problems: string[] = [];
  const nameCheck = checkDocumentName(documentName);
  if (!nameCheck.ok) problems.push(`NAME ${JSON.stringify(documentName)}: ${nameCheck.reason}`);
  const format = line.values.format ?? (output === '-' ? 'markdown' : (FORMAT_BY_EXTENSION[extname(output).toLowerCase()] ?? 'markdown'));
  if (!isExportFormat(format)) problems.push(`--format ${JSON.stringify(format)}: expected one of ${EXPORT_FORMATS.join(', ')}`);
  if (output === '') problems.push('--output must not be empty (use - for standard output)');
  if (problems.length > 0 || !isExportFormat(format)) throw new UsageError('export', problems, EXPORT_USAGE);
  const dataDir = await resolveDataDir('export', EXPORT_USAGE, env, line.values);

  const reader = createDocumentReader(dataDir);
  const result = await reader.read(documentName);
  if (result.kind === 'missing') {
    process.stderr.write(`tandem export: there is no document "${documentName}" in ${dataDir}\n`);
    return 1;
  }
  if (result.kind === 'damaged') {
    process.stderr.write(`tandem export: document "${documentName}" is damaged: ${result.problem}\n(see README, "Recovering a document")\n`);
    return 1;
  }
  try {
    for (const warning of result.warnings) process.stderr.write(`tandem export: warning: ${warning}\n`);
    const { body } = await reader.exporter.export(result.doc, format);
    if (output === '-') {
      process.stdout.write(body);
    } else {
      try {
        await writeFile(output, body);
      } catch (error) {
        process.stderr.write(`tandem export: cannot write ${output}: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
      process.stderr.write(`exported "${documentName}" as ${format} to ${output} (${typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength} bytes)\n`);
    }
    return 0;
  } finally {
    result.doc.destroy();
  }
}

function isExportFormat(format: string): format is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(format);
}
