import type { ServerName } from '../servers/ServerUnderTest.js';
import type { CellResult, Metric, ScenarioResult } from '../scenarios/Scenario.js';

const SERVERS: ServerName[] = ['tandem', 'reference', 'relay'];
/** Tandem's figures over the others'. */
const RATIOS: { label: string; other: ServerName }[] = [
  { label: 'tandem/ref', other: 'reference' },
  { label: 'tandem/relay', other: 'relay' },
];

function formatNumber(value: Metric | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Tandem's figure over another's: "1.25x"; n/a when either is missing or the other is zero. */
function formatRatio(tandem: Metric | undefined, other: Metric | undefined): string {
  if (tandem === null || tandem === undefined || other === null || other === undefined || !Number.isFinite(tandem) || !Number.isFinite(other) || other === 0) return 'n/a';
  return `${(tandem / other).toFixed(2)}x`;
}

function formatConverged(cell: CellResult | undefined): string {
  if (!cell) return 'n/a';
  if (cell.converged === null) return 'n/a';
  return cell.converged ? 'yes' : 'NO';
}

function renderRows(rows: string[][]): string[] {
  const widths = rows[0]!.map((_cell, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
}

/**
 * One block per scenario: a row per cell and metric, a column per server it
 * measured, and Tandem's figure as a ratio to the reference and to the bare relay.
 */
export function formatTable(results: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push('', result.title);
    // Only the servers the scenario measured (scale-out runs Tandem alone), and a ratio only where both sides were.
    const servers = SERVERS.filter((server) => result.cells.some((cell) => cell.server === server));
    const ratios = RATIOS.filter((ratio) => servers.includes('tandem') && servers.includes(ratio.other));
    const rows: string[][] = [['cell / metric', ...servers, ...ratios.map((ratio) => ratio.label)]];
    const cellNames = [...new Set(result.cells.map((cell) => cell.cell))];
    for (const cellName of cellNames) {
      const byServer = new Map(result.cells.filter((cell) => cell.cell === cellName).map((cell) => [cell.server, cell]));
      const metricNames = [...new Set([...byServer.values()].flatMap((cell) => Object.keys(cell.metrics)))];
      rows.push([cellName, ...servers.map(() => ''), ...ratios.map(() => '')]);
      for (const metric of metricNames) {
        const valueOf = (server: ServerName) => byServer.get(server)?.metrics[metric];
        rows.push([`  ${metric}`, ...servers.map((server) => formatNumber(valueOf(server))), ...ratios.map((ratio) => formatRatio(valueOf('tandem'), valueOf(ratio.other)))]);
      }
      rows.push(['  converged', ...servers.map((server) => formatConverged(byServer.get(server))), ...ratios.map(() => '')]);
    }
    lines.push(...renderRows(rows));
    const cellNotes = result.cells.filter((cell) => cell.note).map((cell) => `${cell.cell}, ${cell.server}: ${cell.note}`);
    for (const note of [...result.notes, ...cellNotes]) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}
