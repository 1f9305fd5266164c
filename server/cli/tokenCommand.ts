import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_TOKEN_LIFETIME, grantRequestSchema, mintAccessToken, type GrantRequest } from '../access/accessToken.js';
import { shareLinkFor } from '../access/shareLinkFor.js';
import { ConfigError, DEFAULT_CONFIG, parseConfigFile, type ConfigFileValues } from '../config/loadConfig.js';
import { readConfigFile } from './readConfigFile.js';
import { serverUrl } from './serverUrl.js';

export const TOKEN_USAGE = `Usage: tandem token --document NAME [options]   (or: npm run token -- …)

Mints an access token signed with the server's AUTH_SECRET and prints it with a share link.

Options:
  --document NAME     a document the token opens (repeat for several)
  --prefix PREFIX     every document whose name starts with PREFIX (repeatable; "" = all)
  --read-only         the bearer sees changes live but cannot edit
  --name NAME         the name others see on this person's caret (they cannot change it)
  --color #RRGGBB     the colour of that caret
  --expires SPAN      how long the token works: 30m, 12h, 7d, 52w… (default ${DEFAULT_TOKEN_LIFETIME}, at most a year)
  --url URL           the server's address for the link (default PUBLIC_URL, else http://HOST:PORT)
  --auth-secret S     the server's secret (default AUTH_SECRET, else the config file's authSecret;
                      prefer those: flags show up in ps)
  --config PATH       the server's config file, for authSecret, publicUrl, host, port (default TANDEM_CONFIG)
  --json              print {"token","link","expiresAt"} instead of text
  --help              print this help`;

export type TokenCommand =
  | { kind: 'help'; text: string }
  | { kind: 'mint'; secret: string; grant: GrantRequest; expiresIn: string; baseUrl: string; json: boolean };

/**
 * Reading the command line of `tandem token`. Pure, like `loadConfig`; throws `TokenCommandError`.
 * `file` holds the server's config file values, below flags and the environment as for the server.
 */
export function parseTokenCommand(env: Record<string, string | undefined>, argv: string[], file: ConfigFileValues = {}): TokenCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        document: { type: 'string', multiple: true },
        prefix: { type: 'string', multiple: true },
        'read-only': { type: 'boolean' },
        name: { type: 'string' },
        color: { type: 'string' },
        expires: { type: 'string' },
        url: { type: 'string' },
        'auth-secret': { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new TokenCommandError([error instanceof Error ? error.message : String(error)]);
  }
  if (values.help) return { kind: 'help', text: TOKEN_USAGE };

  const problems: string[] = [];
  const secret = values['auth-secret'] ?? (env.AUTH_SECRET || file.authSecret) ?? '';
  if (secret.length < 32) problems.push('no AUTH_SECRET (or --auth-secret) of at least 32 characters: use the same secret as the server');
  const documents = [...(values.document ?? []), ...(values.prefix ?? []).map((prefix) => `${prefix}*`)];
  if (documents.length === 0) problems.push('name at least one --document or --prefix');
  const grant = grantRequestSchema.safeParse({
    documents,
    access: values['read-only'] ? 'read' : 'write',
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.color !== undefined ? { color: values.color } : {}),
  });
  if (!grant.success && documents.length > 0) {
    problems.push(...grant.error.issues.map((issue) => `--${issue.path[0] === 'documents' ? 'document' : String(issue.path[0])}: ${issue.message}`));
  }
  const expiresIn = values.expires ?? DEFAULT_TOKEN_LIFETIME;
  if (!/^\d+\s*[a-z]+$/i.test(expiresIn)) problems.push(`--expires ${JSON.stringify(expiresIn)}: expected a span like 30m, 12h, 7d`);
  const baseUrl = z.url({ protocol: /^https?$/ }).safeParse(values.url ?? (env.PUBLIC_URL || file.publicUrl) ?? defaultBaseUrl(env, file));
  if (!baseUrl.success) problems.push(`--url: expected an http(s) URL like https://docs.example.com`);
  if (problems.length > 0 || !grant.success || !baseUrl.success) throw new TokenCommandError(problems);
  return { kind: 'mint', secret, grant: grant.data, expiresIn, baseUrl: baseUrl.data.replace(/\/+$/, ''), json: values.json ?? false };
}

/** Bad arguments to `tandem token`, one line per problem. */
export class TokenCommandError extends Error {
  constructor(readonly problems: string[]) {
    super(`tandem token:\n  ${problems.join('\n  ')}\n\n${TOKEN_USAGE}`);
    this.name = 'TokenCommandError';
  }
}

/** `tandem token`: prints the token and its share link; returns the exit code. */
export async function runTokenCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  let command: TokenCommand;
  try {
    command = parseTokenCommand(env, argv, await readTokenConfigFile(env, argv));
  } catch (error) {
    if (!(error instanceof TokenCommandError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${command.text}\n`);
    return 0;
  }
  let minted;
  try {
    minted = await mintAccessToken(command.secret, command.grant, command.expiresIn);
  } catch (error) {
    process.stderr.write(`tandem token: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const link = shareLinkFor(command.baseUrl, command.grant.documents, minted.token);
  const expiresAt = minted.expiresAt.toISOString();
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ token: minted.token, link, expiresAt })}\n`);
  } else {
    const who = command.grant.name ? ` as ${command.grant.name}` : '';
    const what = command.grant.access === 'read' ? 'read' : 'edit';
    process.stdout.write(`${minted.token}\n\nShare link (${what}${who}, until ${expiresAt}):\n${link}\n`);
  }
  return 0;
}

function defaultBaseUrl(env: Record<string, string | undefined>, file: ConfigFileValues): string {
  const host = env.HOST || file.host || DEFAULT_CONFIG.host;
  return serverUrl(host, env.PORT || file.port || DEFAULT_CONFIG.port, Boolean(env.TLS_CERT || file.tlsCert));
}

/** The config file's values, when `--config` or `TANDEM_CONFIG` names one; its problems are usage errors. */
async function readTokenConfigFile(env: Record<string, string | undefined>, argv: string[]): Promise<ConfigFileValues> {
  let file;
  try {
    file = await readConfigFile(env, argv);
  } catch (error) {
    if (error instanceof ConfigError) throw new TokenCommandError(error.problems);
    throw error;
  }
  if (file === null) return {};
  const { values, problems } = parseConfigFile(file);
  if (problems.length > 0) throw new TokenCommandError(problems);
  return values;
}
