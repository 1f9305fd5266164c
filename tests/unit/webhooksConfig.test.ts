import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../server/config/loadConfig.js';
import { standardWebhookSecret, webhookSecretProblem, webhookSigningKey } from '../../server/webhooks/webhookSigningKey.js';

const SECRET = 'w'.repeat(32);

function config(env: Record<string, string>, argv: string[] = []) {
  const result = loadConfig(env, argv);
  if (result.kind !== 'config') throw new Error('expected a config');
  return result.config;
}

function problems(env: Record<string, string>, argv: string[] = []): string {
  try {
    loadConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('webhook configuration', () => {
  it('is off by default, with a 2 s debounce and a 30 s max wait', () => {
    expect(DEFAULT_CONFIG).toMatchObject({ webhookUrls: [], webhookSecret: null, webhookDebounceMs: 2000, webhookMaxWaitMs: 30_000 });
    expect(config({})).toMatchObject({ webhookUrls: [], webhookSecret: null });
  });

  it('reads comma-separated URLs, the secret and the timings from the environment and flags', () => {
    expect(
      config({ WEBHOOK_URLS: ' https://hooks.example/a , http://10.0.0.2:8080/b?token=x,', WEBHOOK_SECRET: SECRET, WEBHOOK_DEBOUNCE_MS: '500' }, ['--webhook-max-wait-ms', '5000']),
    ).toMatchObject({
      webhookUrls: ['https://hooks.example/a', 'http://10.0.0.2:8080/b?token=x'],
      webhookSecret: SECRET,
      webhookDebounceMs: 500,
      webhookMaxWaitMs: 5000,
    });
    expect(config({}, ['--webhook-urls', 'https://hooks.example/a', '--webhook-secret', SECRET])).toMatchObject({ webhookUrls: ['https://hooks.example/a'] });
  });

  it('needs a secret when URLs are set', () => {
    expect(problems({ WEBHOOK_URLS: 'https://hooks.example/a' })).toMatch(/--webhook-urls needs --webhook-secret/);
  });

  it('refuses a short secret, and an empty one that is set', () => {
    expect(problems({ WEBHOOK_URLS: 'https://hooks.example/a', WEBHOOK_SECRET: 'short' })).toMatch(/WEBHOOK_SECRET="short": must be at least 32 characters/);
    expect(problems({ WEBHOOK_SECRET: '' })).toMatch(/WEBHOOK_SECRET is set but empty/);
  });

  it('refuses a whsec_ secret that is not base64 or decodes to fewer than 24 bytes', () => {
    expect(problems({ WEBHOOK_SECRET: `whsec_${'!'.repeat(40)}` })).toMatch(/must be base64 after the prefix/);
    expect(problems({ WEBHOOK_SECRET: `whsec_${Buffer.alloc(21).toString('base64')}` })).toMatch(/at least 24 bytes/);
  });

  it.each(['ftp://hooks.example/a', 'hooks.example/a', 'https://', 'https://ok.example/a,mailto:x@example.com'])('refuses the URL list %s', (urls) => {
    expect(problems({ WEBHOOK_URLS: urls, WEBHOOK_SECRET: SECRET })).toMatch(/WEBHOOK_URLS=.*expected http\(s\) URLs/);
  });

  it('reads an empty list as no webhooks, like the default, and then needs no secret', () => {
    const result = loadConfig({}, ['--webhook-urls', ' , ']);
    if (result.kind !== 'config') throw new Error('expected a config');
    expect(result.config.webhookUrls).toEqual([]);
  });

  it('refuses bad timings, and a max wait shorter than the debounce', () => {
    expect(problems({ WEBHOOK_DEBOUNCE_MS: '-1' })).toMatch(/WEBHOOK_DEBOUNCE_MS="-1"/);
    expect(problems({ WEBHOOK_DEBOUNCE_MS: 'soon' })).toMatch(/WEBHOOK_DEBOUNCE_MS="soon"/);
    expect(problems({ WEBHOOK_DEBOUNCE_MS: '5000', WEBHOOK_MAX_WAIT_MS: '1000' })).toMatch(/--webhook-max-wait-ms \(1000\) must not be less than --webhook-debounce-ms \(5000\)/);
  });

  it('documents the options in the usage', () => {
    const result = loadConfig({}, ['--help']);
    expect(result.kind === 'help' && result.text).toMatch(/--webhook-urls LIST\s+WEBHOOK_URLS[\s\S]*--webhook-secret SECRET\s+WEBHOOK_SECRET[\s\S]*--webhook-debounce-ms N\s+WEBHOOK_DEBOUNCE_MS/);
  });
});

describe('webhookSigningKey', () => {
  it('uses a plain secret’s UTF-8 bytes and decodes a whsec_ one', () => {
    expect(Buffer.from(webhookSigningKey('ключ-'.repeat(8))).toString('utf8')).toBe('ключ-'.repeat(8));
    const key = Buffer.alloc(32, 9);
    expect(Buffer.from(webhookSigningKey(`whsec_${key.toString('base64')}`))).toEqual(key);
  });

  it('gives receivers the whsec_ form of a plain secret', () => {
    expect(standardWebhookSecret(SECRET)).toBe(`whsec_${Buffer.from(SECRET).toString('base64')}`);
    expect(webhookSecretProblem(SECRET)).toBeNull();
  });
});
