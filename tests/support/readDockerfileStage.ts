import { readFile } from 'node:fs/promises';

/** What a test needs to lay out and run one stage of a Dockerfile without a Docker engine. */
export interface DockerfileStage {
  env: Record<string, string>;
  workdir: string;
  user: string | null;
  /** `COPY --from=<stage> <source> <destination>` lines, in order. */
  copies: { from: string; source: string; destination: string }[];
  healthcheck: string[] | null;
  cmd: string[];
  /** Every instruction line, continuations joined, for checks of anything else. */
  instructions: string[];
}

/**
 * Reads the instructions of stage `stageName` (`FROM … AS stageName`). Understands the subset of the
 * syntax our Dockerfile uses (exec-form CMD and HEALTHCHECK, `ENV k=v …`, `COPY --from`), and throws on
 * any exec-form it cannot parse, so a change to the file fails loudly rather than testing something else.
 */
export async function readDockerfileStage(path: string, stageName: string): Promise<DockerfileStage> {
  const text = await readFile(path, 'utf8');
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const start = lines.findIndex((line) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${stageName}$`, 'i').test(line));
  if (start === -1) throw new Error(`no stage "${stageName}" in ${path}`);
  const end = lines.findIndex((line, index) => index > start && /^FROM\s/i.test(line));
  const instructions = lines.slice(start + 1, end === -1 ? undefined : end);
  const stage: DockerfileStage = { env: {}, workdir: '/', user: null, copies: [], healthcheck: null, cmd: [], instructions };
  for (const line of instructions) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const argument = line.slice(keyword.length).trim();
    switch (keyword.toUpperCase()) {
      case 'ENV':
        for (const pair of rest) {
          const [key, value] = pair.split('=');
          if (!key || value === undefined) throw new Error(`cannot read ENV ${pair}`);
          stage.env[key] = value;
        }
        break;
      case 'WORKDIR':
        stage.workdir = argument;
        break;
      case 'USER':
        stage.user = argument;
        break;
      case 'COPY': {
        const from = rest.find((word) => word.startsWith('--from='))?.slice('--from='.length);
        const paths = rest.filter((word) => !word.startsWith('--'));
        if (from && paths.length === 2) stage.copies.push({ from, source: paths[0]!, destination: paths[1]! });
        break;
      }
      case 'HEALTHCHECK':
        stage.healthcheck = execForm(argument.slice(argument.indexOf('CMD') + 'CMD'.length));
        break;
      case 'CMD':
        stage.cmd = execForm(argument);
        break;
    }
  }
  return stage;
}

function execForm(text: string): string[] {
  const parsed: unknown = JSON.parse(text.trim());
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`expected an exec-form array: ${text}`);
  return parsed;
}
