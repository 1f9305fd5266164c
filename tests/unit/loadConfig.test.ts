import { describe, expect, it } from 'vitest';
import { ConfigError, configFilePath, DEFAULT_CONFIG, loadConfig, parseConfigFile } from '../../server/config/loadConfig.js';

function config(env: Record<string, string>, argv: string[] = []) {
  const result = loadConfig(env, argv);
  if (result.kind !== 'config') throw new Error('expected a config');
  return result.config;
}

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    expect(config({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({ port: 1234, host: '127.0.0.1', dataDir: './data' });
  });

  it('reads PORT, HOST and DATA_DIR from the environment; PORT=0 is allowed', () => {
    expect(config({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: '/srv/tandem' })).toMatchObject({ port: 0, host: '0.0.0.0', dataDir: '/srv/tandem' });
  });

  it('lets flags win over the environment', () => {
    expect(config({ PORT: '4000', DATA_DIR: '/env' }, ['--port', '5000', '--data-dir=/flag', '--host', '::1'])).toMatchObject({
      port: 5000,
      dataDir: '/flag',
      host: '::1',
    });
  });

  it('ignores empty environment variables', () => {
    expect(config({ PORT: '', HOST: '' })).toMatchObject({ port: 1234, host: '127.0.0.1' });
  });

  it('reports every invalid value at once, naming where it came from', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', STORE: 'mongo' }, ['--snapshot-idle-ms=-5']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT="70000"/);
    expect(problems).toMatch(/STORE="mongo"/);
    expect(problems).toMatch(/--snapshot-idle-ms="-5"/);
    expect((error as ConfigError).message).toMatch(/Usage/);
  });

  it.each([['--port', 'abc'], ['--port', '1.5'], ['--max-message-bytes', '10']])('refuses %s %s', (flag, value) => {
    expect(() => loadConfig({}, [flag, value])).toThrow(ConfigError);
  });

  it('refuses unknown flags and positional arguments', () => {
    expect(() => loadConfig({}, ['--prot', '1'])).toThrow(/Unknown option '--prot'/);
    expect(() => loadConfig({}, ['serve-everything'])).toThrow(ConfigError);
  });

  it('refuses a snapshot max wait shorter than the idle time', () => {
    expect(() => loadConfig({ SNAPSHOT_IDLE_MS: '1000', SNAPSHOT_MAX_WAIT_MS: '100' }, [])).toThrow(/must not be less than/);
  });

  it('reads the snapshot policy', () => {
    expect(config({ SNAPSHOT_AFTER_UPDATES: '50' }, ['--snapshot-after-bytes', '4096'])).toMatchObject({ snapshotAfterUpdates: 50, snapshotAfterBytes: 4096 });
  });

  it('answers --help with the usage', () => {
    const result = loadConfig({}, ['--help']);
    expect(result.kind).toBe('help');
    if (result.kind === 'help') expect(result.text).toMatch(/--data-dir PATH\s+DATA_DIR/);
  });

  it('reads access settings: secret, admin key, public URL, origins, TLS files, proxy trust', () => {
    const secret = 's'.repeat(32);
    expect(
      config(
        { AUTH_SECRET: secret, ADMIN_KEY: 'k'.repeat(24), ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443' },
        ['--public-url', 'https://docs.example/', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--trust-proxy'],
      ),
    ).toMatchObject({
      authSecret: secret,
      adminKey: 'k'.repeat(24),
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      publicUrl: 'https://docs.example',
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
      trustProxy: true,
    });
    expect(config({ TRUST_PROXY: 'false', ALLOWED_ORIGINS: '*' })).toMatchObject({ trustProxy: false, allowedOrigins: ['*'] });
  });

  it('refuses weak secrets, origins with paths, half a TLS pair and an admin key without a secret', () => {
    expect(() => loadConfig({ AUTH_SECRET: 'short' }, [])).toThrow(/AUTH_SECRET="short": must be at least 32 characters/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://a.example/path' }, [])).toThrow(/expected origins like/);
    expect(() => loadConfig({}, ['--tls-cert', 'c.pem'])).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => loadConfig({ ADMIN_KEY: 'k'.repeat(24) }, [])).toThrow(/needs --auth-secret/);
    // An unset variable in a compose file (AUTH_SECRET=) must not start an open server.
    expect(() => loadConfig({ AUTH_SECRET: '' }, [])).toThrow(/AUTH_SECRET is set but empty/);
  });

  it('reads the limits, with 0 turning the rate limits off', () => {
    expect(
      config({ MAX_DOCUMENT_BYTES: '1048576', MESSAGES_PER_SECOND: '0' }, ['--max-connections', '50', '--max-connections-per-document', '5', '--connections-per-minute-per-ip', '0', '--handshake-timeout-ms', '500', '--ping-interval-ms', '1000', '--message-burst', '10']),
    ).toMatchObject({
      maxDocumentBytes: 1048576,
      messagesPerSecond: 0,
      maxConnections: 50,
      maxConnectionsPerDocument: 5,
      connectionsPerMinutePerIp: 0,
      handshakeTimeoutMs: 500,
      pingIntervalMs: 1000,
      messageBurst: 10,
    });
    expect(() => loadConfig({}, ['--max-connections', '0'])).toThrow(ConfigError);
  });

  describe('config file', () => {
    const file = (json: unknown, path = '/etc/tandem.json') => ({ path, text: typeof json === 'string' ? json : JSON.stringify(json) });
    const withFile = (json: unknown, env: Record<string, string> = {}, argv: string[] = []) => {
      const result = loadConfig(env, argv, { configFile: file(json) });
      if (result.kind !== 'config') throw new Error('expected a config');
      return result.config;
    };
    const problemsOf = (json: unknown, env: Record<string, string> = {}) => {
      try {
        loadConfig(env, [], { configFile: file(json) });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      throw new Error('expected a ConfigError');
    };

    it('finds the file in --config, --config= or TANDEM_CONFIG, the flag first', () => {
      expect(configFilePath({}, [])).toBeNull();
      expect(configFilePath({ TANDEM_CONFIG: '/env.json' }, [])).toBe('/env.json');
      expect(configFilePath({ TANDEM_CONFIG: '/env.json' }, ['--port', '0', '--config', '/flag.json'])).toBe('/flag.json');
      expect(configFilePath({}, ['--config=/eq.json'])).toBe('/eq.json');
      expect(configFilePath({ TANDEM_CONFIG: '' }, [])).toBeNull();
    });

    it('accepts --config among the flags', () => {
      expect(loadConfig({}, ['--config', '/etc/tandem.json'], { configFile: file({}) }).kind).toBe('config');
    });

    it('reads every option by its camelCase key, in its natural JSON type', () => {
      const secret = 's'.repeat(32);
      expect(
        withFile({
          port: 8080,
          dataDir: '/var/lib/tandem',
          allowedOrigins: ['https://a.example', 'https://b.example'],
          trustProxy: true,
          authSecret: secret,
          adminKey: null,
          messagesPerSecond: 0.5,
        }),
      ).toMatchObject({ port: 8080, dataDir: '/var/lib/tandem', allowedOrigins: ['https://a.example', 'https://b.example'], trustProxy: true, authSecret: secret, adminKey: null, messagesPerSecond: 0.5 });
      expect(withFile({ allowedOrigins: 'https://a.example, https://c.example' }).allowedOrigins).toEqual(['https://a.example', 'https://c.example']);
    });

    it('works for every option: a file holding the defaults gives the defaults', () => {
      const everything = Object.fromEntries(Object.entries(DEFAULT_CONFIG));
      expect(withFile(everything)).toEqual(DEFAULT_CONFIG);
    });

    it('ranks defaults < file < environment < flags', () => {
      const json = { port: 1111, host: '0.0.0.0', dataDir: '/file', logLevel: 'warn' };
      expect(withFile(json)).toMatchObject({ port: 1111, host: '0.0.0.0', dataDir: '/file', logLevel: 'warn', store: 'json' });
      expect(withFile(json, { PORT: '2222', DATA_DIR: '/env' })).toMatchObject({ port: 2222, dataDir: '/env', host: '0.0.0.0' });
      expect(withFile(json, { PORT: '2222', DATA_DIR: '/env' }, ['--port', '3333'])).toMatchObject({ port: 3333, dataDir: '/env', host: '0.0.0.0' });
      // An empty variable means "not set", so the file still applies.
      expect(withFile(json, { PORT: '' })).toMatchObject({ port: 1111 });
    });

    it('checks file values with the same rules as flags, and cross-checks the merged result', () => {
      expect(problemsOf({ port: 70000 })).toEqual([expect.stringMatching(/^config file \/etc\/tandem\.json: "port"=70000: /)]);
      expect(problemsOf({ tlsCert: 'c.pem' }).join('\n')).toMatch(/--tls-cert and --tls-key go together/);
      expect(withFile({ tlsCert: 'c.pem' }, { TLS_KEY: 'k.pem' })).toMatchObject({ tlsCert: 'c.pem', tlsKey: 'k.pem' });
    });

    it('reports unknown keys, wrong types and bad JSON, all at once, naming the file and the key', () => {
      const problems = problemsOf({ prot: 1, PORT: 2, 'data-dir': '/x', host: 5, port: '8080', trustProxy: 'yes', allowedOrigins: [1], snapshotIdleMs: null });
      expect(problems).toHaveLength(8);
      const text = problems.join('\n');
      expect(text).toMatch(/config file \/etc\/tandem\.json: unknown key "prot"/);
      expect(text).toMatch(/unknown key "PORT" \(did you mean "port"\?\)/);
      expect(text).toMatch(/unknown key "data-dir" \(did you mean "dataDir"\?\)/);
      expect(text).toMatch(/"host": expected a string, got a number/);
      expect(text).toMatch(/"port": expected a number, got a string/);
      expect(text).toMatch(/"trustProxy": expected true or false, got a string/);
      expect(text).toMatch(/"allowedOrigins": expected an array of strings/);
      expect(text).toMatch(/"snapshotIdleMs": expected a number, got null/);
      expect(problemsOf('{"port": 80,}')).toEqual([expect.stringMatching(/^config file \/etc\/tandem\.json is not valid JSON: /)]);
      expect(problemsOf('[1]')).toEqual([expect.stringMatching(/must hold a JSON object/)]);
    });

    it('reports file problems together with environment and flag problems', () => {
      let error: unknown;
      try {
        loadConfig({ STORE: 'mongo' }, ['--port', 'x'], { configFile: file({ nope: true }) });
      } catch (caught) {
        error = caught;
      }
      expect((error as ConfigError).problems).toHaveLength(3);
    });

    it('parseConfigFile returns the checked values for other commands', () => {
      expect(parseConfigFile(file({ dataDir: '/srv/tandem', port: 8080 }))).toEqual({ values: { dataDir: '/srv/tandem', port: 8080 }, problems: [] });
    });
  });
});

describe('loadConfig: monitoring and shutdown', () => {
  it('reads LOG_FORMAT, METRICS_TOKEN and SHUTDOWN_TIMEOUT_MS, flags winning', () => {
    expect(config({})).toMatchObject({ logFormat: 'auto', metricsToken: null, shutdownTimeoutMs: 10_000 });
    expect(config({ LOG_FORMAT: 'pretty', METRICS_TOKEN: 'a-metrics-token-of-length', SHUTDOWN_TIMEOUT_MS: '2500' }, ['--log-format', 'json'])).toMatchObject({
      logFormat: 'json',
      metricsToken: 'a-metrics-token-of-length',
      shutdownTimeoutMs: 2500,
    });
  });

  it.each([
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT="xml"/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN=.*at least 16 characters/],
    [{ METRICS_TOKEN: '' }, /METRICS_TOKEN is set but empty/],
    [{ SHUTDOWN_TIMEOUT_MS: '0' }, /SHUTDOWN_TIMEOUT_MS="0"/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env, [])).toThrow(message);
  });
});

describe('loadConfig: several instances', () => {
  const problemsOf = (env: Record<string, string>, argv: string[] = []) => {
    try {
      loadConfig(env, argv);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.join('\n');
      throw error;
    }
    return '';
  };

  it('reads a PostgreSQL store, Redis, the instance name and the lease length, flags winning', () => {
    expect(
      config({ STORE: 'postgres://tandem:pw@db:5432/tandem', REDIS_URL: 'redis://cache:6379', INSTANCE_ID: 'env' }, ['--instance-id', 'flag', '--compaction-lease-ms', '5000']),
    ).toMatchObject({ store: 'postgres://tandem:pw@db:5432/tandem', redisUrl: 'redis://cache:6379', instanceId: 'flag', compactionLeaseMs: 5000 });
    expect(config({}, ['--store', 'postgresql://db/tandem', '--redis', 'rediss://cache:6380'])).toMatchObject({ store: 'postgresql://db/tandem', redisUrl: 'rediss://cache:6380' });
  });

  it('refuses Redis without a store the instances share', () => {
    expect(problemsOf({ REDIS_URL: 'redis://cache:6379' })).toMatch(/--redis .* needs a store they share: set --store to a postgres:\/\/ URL/);
    expect(problemsOf({ REDIS_URL: 'redis://cache:6379', STORE: 'memory' })).toMatch(/the memory store belongs to one instance/);
  });

  it('quotes a bad store or Redis URL without its password', () => {
    const problems = problemsOf({ STORE: 'mysql://tandem:s3cret@db/tandem', REDIS_URL: 'http://user:hunter2@cache' });
    expect(problems).toMatch(/STORE=.*expected json, memory or a postgres:\/\//);
    expect(problems).toMatch(/REDIS_URL=.*expected a redis:\/\/host:port URL/);
    expect(problems).not.toContain('s3cret');
    expect(problems).not.toContain('hunter2');
  });

  it('refuses an instance name that cannot be a lease holder or log field', () => {
    expect(problemsOf({ INSTANCE_ID: 'two words' })).toMatch(/INSTANCE_ID=/);
  });
});
