import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusConfig, loadConfig } from '../../src/config.js';
import { FootnoteError } from '../../src/errors.js';
import { botPaths, checkPaths } from '../../src/paths.js';
import { createLogger } from '../../src/log.js';
import { configVariables } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/workspace.js';

function configError(env: Record<string, string>): FootnoteError {
  try {
    loadConfig(env, '/project');
  } catch (error) {
    if (error instanceof FootnoteError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('GIVEN an empty environment THEN every setting has its documented default', () => {
    const config = loadConfig({}, '/project');
    expect(config).toEqual({
      projectRoot: '/project',
      corpusDir: '/project/corpus',
      indexDir: '/project/.index',
      modelDir: undefined,
      embedModel: 'Xenova/bge-small-en-v1.5',
      passageMaxTokens: 128,
      passageOverlapSentences: 1,
      maxQuotes: 3,
      answerThreshold: undefined,
      logLevel: 'info',
      web: {
        sourcesFile: '/project/corpus/web.txt',
        cacheDir: '/project/.index/web',
        timeoutSeconds: 20,
        maxPageBytes: 10 * 2 ** 20,
        maxPagesPerSitemap: 500,
        allowPrivateAddresses: false,
      },
      refreshHours: undefined,
      watchCorpus: false,
      corpora: [],
      index: { backend: 'embedded', lancedbUri: '/project/.index/lancedb', keepVersions: 2, pollSeconds: 2 },
      discord: {
        token: undefined,
        applicationId: undefined,
        guildId: undefined,
        apiUrl: undefined,
        moderatorRoleIds: [],
        replyInThread: false,
        replyModes: {},
        answerForums: [],
        forumSayUnanswered: false,
        questionsPerMinute: 6,
        maxQuestionWaitSeconds: 10,
        feedbackFile: '/project/feedback/feedback.jsonl',
        auditFile: '/project/audit/corpus-audit.jsonl',
        shards: undefined,
        shardList: undefined,
      },
    });
  });

  it('returns a frozen object, nested parts included', () => {
    const config = loadConfig({}, '/project');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.discord)).toBe(true);
    expect(Object.isFrozen(config.discord.moderatorRoleIds)).toBe(true);
  });

  it('reads and resolves given values: paths against the project root, blanks as unset', () => {
    const config = loadConfig(
      {
        CORPUS_DIR: 'docs',
        INDEX_DIR: '/var/footnote/index',
        MODEL_DIR: '../shared/models',
        MAX_QUOTES: ' 5 ',
        ANSWER_THRESHOLD: '0.7',
        LOG_LEVEL: 'debug',
        REPLY_IN_THREAD: 'yes',
        MODERATOR_ROLE_IDS: '123456789012345678, 223456789012345678',
        DISCORD_API_URL: 'http://127.0.0.1:8080/api/',
        PASSAGE_OVERLAP_SENTENCES: '   ',
        WEB_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1, 10.1.2.0/24,::1',
        INDEX_REFRESH_HOURS: '0.5',
        WATCH_CORPUS: 'true',
      },
      '/project',
    );
    expect(config).toMatchObject({
      corpusDir: '/project/docs',
      indexDir: '/var/footnote/index',
      modelDir: '/shared/models',
      maxQuotes: 5,
      answerThreshold: 0.7,
      logLevel: 'debug',
      passageOverlapSentences: 1,
      web: { sourcesFile: '/project/docs/web.txt', cacheDir: '/var/footnote/index/web', allowPrivateAddresses: ['127.0.0.1', '10.1.2.0/24', '::1'] },
      refreshHours: 0.5,
      watchCorpus: true,
      discord: { replyInThread: true, moderatorRoleIds: ['123456789012345678', '223456789012345678'], apiUrl: 'http://127.0.0.1:8080/api' },
    });
  });

  it("GIVEN MAX_QUOTES='abc' THEN CONFIG_INVALID says \"MAX_QUOTES: expected an integer 1-10, got 'abc'\"", () => {
    const error = configError({ MAX_QUOTES: 'abc' });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("MAX_QUOTES: expected an integer 1-10, got 'abc'");
  });

  it('GIVEN several bad values THEN all problems are reported together, each naming its variable', () => {
    const error = configError({
      MAX_QUOTES: '0',
      PASSAGE_MAX_TOKENS: '1000',
      PASSAGE_OVERLAP_SENTENCES: '2.5',
      ANSWER_THRESHOLD: 'high',
      LOG_LEVEL: 'loud',
      REPLY_IN_THREAD: 'maybe',
      DISCORD_GUILD_ID: 'my-server',
      MODERATOR_ROLE_IDS: '123456789012345678,admins',
      DISCORD_API_URL: 'ftp://example.org',
      WEB_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1,intranet',
      INDEX_REFRESH_HOURS: 'daily',
    });
    expect(error.code).toBe('CONFIG_INVALID');
    for (const line of [
      "MAX_QUOTES: expected an integer 1-10, got '0'",
      "PASSAGE_MAX_TOKENS: expected an integer 32-510, got '1000'",
      "PASSAGE_OVERLAP_SENTENCES: expected an integer 0-5, got '2.5'",
      "ANSWER_THRESHOLD: expected a number 0-1, got 'high'",
      "LOG_LEVEL: expected one of debug, info, warn, error, silent, got 'loud'",
      "REPLY_IN_THREAD: expected true or false, got 'maybe'",
      "DISCORD_GUILD_ID: expected a Discord id (15-21 digits), got 'my-server'",
      "MODERATOR_ROLE_IDS: expected comma-separated Discord ids (digits), got 'admins'",
      "DISCORD_API_URL: expected an http(s) URL, got 'ftp://example.org'",
      "WEB_ALLOW_PRIVATE_ADDRESSES: expected true, false or comma-separated IP addresses and CIDR ranges (127.0.0.1, 10.0.0.0/8), got 'intranet'",
      "INDEX_REFRESH_HOURS: expected a number 0.01-8760, got 'daily'",
    ]) {
      expect(error.message).toContain(line);
    }
    expect(error.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(11);
  });
});

describe('SHARDS and SHARD_LIST (several gateway shards)', () => {
  it('GIVEN neither THEN the bot is not sharded', () => {
    expect(loadConfig({}, '/project').discord).toMatchObject({ shards: undefined, shardList: undefined });
  });

  it('GIVEN SHARDS=auto or a number and SHARD_LIST THEN they are read', () => {
    expect(loadConfig({ SHARDS: 'auto' }, '/project').discord.shards).toBe('auto');
    expect(loadConfig({ SHARDS: '4', SHARD_LIST: ' 2, 3 ' }, '/project').discord).toMatchObject({ shards: 4, shardList: [2, 3] });
    expect(loadConfig({ SHARDS: 'auto', SHARD_LIST: '0,5' }, '/project').discord).toMatchObject({ shards: 'auto', shardList: [0, 5] });
  });

  it('GIVEN bad values THEN CONFIG_INVALID names the variable and the value', () => {
    expect(configError({ SHARDS: '0' }).message).toContain("SHARDS: expected auto or a number of shards 1-10000, got '0'");
    expect(configError({ SHARDS: 'many' }).message).toContain("SHARDS: expected auto or a number of shards 1-10000, got 'many'");
    expect(configError({ SHARDS: '2', SHARD_LIST: '1,2' }).message).toContain("SHARD_LIST: expected comma-separated shard ids (0-1), got '2'");
    expect(configError({ SHARDS: '2', SHARD_LIST: 'one' }).message).toContain("SHARD_LIST: expected comma-separated shard ids (0-1), got 'one'");
    expect(configError({ SHARDS: '3', SHARD_LIST: '1,1' }).message).toContain('SHARD_LIST: a shard id is listed more than once');
    expect(configError({ SHARD_LIST: '0' }).message).toContain('SHARD_LIST: set only together with SHARDS');
  });

  it('GIVEN a shard process (SHARDING_MANAGER set by discord.js, SHARDS its shard id) THEN SHARDS is not ours to read', () => {
    expect(loadConfig({ SHARDING_MANAGER: 'true', SHARDS: '0', SHARD_COUNT: '2' }, '/project').discord).toMatchObject({ shards: undefined, shardList: undefined });
  });
});

describe('.env.example', () => {
  const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
  const documented = [...new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!))].sort();

  it('lists every variable src/config.ts reads, and no other', () => {
    const read = configVariables();
    expect(read.length).toBeGreaterThan(15);
    expect(documented).toEqual(read);
  });

  it('holds values that loadConfig accepts', () => {
    const env = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadConfig(env, '/project')).not.toThrow();
  });
});

describe('CORPORA (per-server corpora)', () => {
  const A = '123456789012345678';
  const B = '223456789012345678';

  it('GIVEN serverId:corpus entries THEN each server gets its corpus, resolved, and an index folder of its own under INDEX_DIR/servers', () => {
    const config = loadConfig({ INDEX_DIR: '/var/index', CORPORA: ` ${A}:corpora/gardening , ${B} : /data/chess ` }, '/project');
    expect(config.corpora).toEqual([
      { guildId: A, corpusDir: '/project/corpora/gardening', indexDir: '/var/index/servers/' + A },
      { guildId: B, corpusDir: '/data/chess', indexDir: '/var/index/servers/' + B },
    ]);
    expect(config.corpusDir).toBe('/project/corpus');
    expect(Object.isFrozen(config.corpora[0])).toBe(true);
  });

  it('GIVEN serverId:corpus:index THEN that index folder is used', () => {
    expect(loadConfig({ CORPORA: `${A}:corpora/a:indexes/a` }, '/project').corpora).toEqual([{ guildId: A, corpusDir: '/project/corpora/a', indexDir: '/project/indexes/a' }]);
  });

  it('GIVEN a malformed entry THEN CONFIG_INVALID names CORPORA, the expected form and the entry', () => {
    for (const bad of ['gardening', '12:corpora/a', `${A}:`, `${A}:a:b:c`, `abc:corpora/a`]) {
      const error = configError({ CORPORA: bad });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain(`CORPORA: expected comma-separated serverId:corpusFolder or serverId:corpusFolder:indexFolder entries`);
      expect(error.message).toContain(`got '${bad}'`);
    }
  });

  it('GIVEN a server twice, two servers on one index folder, or a server on INDEX_DIR THEN each is refused, naming CORPORA', () => {
    expect(configError({ CORPORA: `${A}:a,${A}:b` }).message).toContain(`CORPORA: server ${A} is listed more than once`);
    expect(configError({ CORPORA: `${A}:a:shared,${B}:b:shared` }).message).toContain(`CORPORA: servers ${A} and ${B} share the index folder /project/shared; give each its own`);
    expect(configError({ CORPORA: `${A}:a:.index` }).message).toContain(`CORPORA: server ${A} uses INDEX_DIR (/project/.index)`);
  });

  it('GIVEN a server corpus or index under /proc THEN the start-up path check refuses it, naming CORPORA and the server', () => {
    const config = loadConfig({ CORPORA: `${A}:/proc/self:/tmp/footnote-test-ok,${B}:/tmp/footnote-test-b:/proc/footnote` }, '/tmp');
    expect(() => checkPaths(botPaths(config))).toThrow(`CORPORA (server ${A}, corpus): /proc/self is under /proc`);
    expect(() => checkPaths(botPaths(config))).toThrow(`CORPORA (server ${B}, index): /proc/footnote is under /proc`);
  });

  it('corpusConfig: the server\'s corpus, index, web list and page cache; every other setting shared', () => {
    const config = loadConfig({ MAX_QUOTES: '4', CORPORA: `${A}:corpora/a` }, '/project');
    const own = corpusConfig(config, config.corpora[0]!);
    expect(own).toMatchObject({ corpusDir: '/project/corpora/a', indexDir: `/project/.index/servers/${A}`, maxQuotes: 4, corpora: [] });
    expect(own.web).toMatchObject({ sourcesFile: '/project/corpora/a/web.txt', cacheDir: `/project/.index/servers/${A}/web` });
    expect(Object.isFrozen(own)).toBe(true);
  });

  it('INDEX_BACKEND, LANCEDB_URI (made absolute; object storage kept), INDEX_KEEP_VERSIONS and INDEX_POLL_SECONDS; bad values name the variable', () => {
    expect(loadConfig({ INDEX_BACKEND: 'lancedb', LANCEDB_URI: 'data/lance/' }, '/project').index).toEqual({ backend: 'lancedb', lancedbUri: '/project/data/lance', keepVersions: 2, pollSeconds: 2 });
    expect(loadConfig({ LANCEDB_URI: 's3://bucket/footnote/', INDEX_KEEP_VERSIONS: '5', INDEX_POLL_SECONDS: '10' }, '/project').index).toMatchObject({ lancedbUri: 's3://bucket/footnote', keepVersions: 5, pollSeconds: 10 });
    const message = configError({ INDEX_BACKEND: 'postgres', LANCEDB_URI: 'ftp://host/x', INDEX_KEEP_VERSIONS: '1', INDEX_POLL_SECONDS: '0' }).message;
    expect(message).toContain('INDEX_BACKEND');
    expect(message).toContain("LANCEDB_URI: expected a folder or an s3://, gs:// or az:// URI, got 'ftp://host/x'");
    expect(message).toContain('INDEX_KEEP_VERSIONS');
    expect(message).toContain('INDEX_POLL_SECONDS');
    // A server's dataset sits under the shared one, so one server's reindex never writes another's tables.
    const config = loadConfig({ INDEX_BACKEND: 'lancedb', CORPORA: `${A}:corpora/a` }, '/project');
    expect(corpusConfig(config, config.corpora[0]!).index.lancedbUri).toBe(`/project/.index/lancedb/servers/${A}`);
  });
});

describe('the logger', () => {
  const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789';

  function capture(pretty: boolean) {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', secrets: [TOKEN], pretty, write: (l) => lines.push(l) });
    return { log, lines };
  }

  it.each([false, true])('GIVEN a configured secret (pretty=%s) THEN it never appears, wherever it is logged', (pretty) => {
    const { log, lines } = capture(pretty);
    log.info(`connecting with ${TOKEN}`);
    log.warn('login failed', { detail: `401 for ${TOKEN}`, nested: { header: `Bot ${TOKEN}` } });
    log.error('crash', { error: new Error(`bad token ${TOKEN}`) });
    log.debug('config', { discord: { token: TOKEN } });
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain(TOKEN);
    expect(lines.join('\n')).toContain('[redacted]');
  });

  it('GIVEN fields named like secrets (token, password, authorization, apiKey) THEN their values are redacted', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', pretty: false, write: (l) => lines.push(l) });
    log.info('request', { token: 'tok-123456', password: 'hunter22', authorization: 'Bearer abcdef', apiKey: 'key-987654', DISCORD_TOKEN: 'xyz-555555', user: 'alice' });
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ msg: 'request', token: '[redacted]', password: '[redacted]', authorization: '[redacted]', apiKey: '[redacted]', DISCORD_TOKEN: '[redacted]', user: 'alice' });
    for (const secret of ['tok-123456', 'hunter22', 'abcdef', 'key-987654', 'xyz-555555']) expect(lines[0]).not.toContain(secret);
  });

  it('GIVEN a secret-looking key inside a nested field THEN its value is not written either', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', pretty: false, write: (l) => lines.push(l) });
    log.info('config loaded', { discord: { token: 'nested-token-value', guildId: '123' } });
    expect(lines[0]).not.toContain('nested-token-value');
  });

  it('writes one JSON object per line to stderr style sinks, and respects the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', pretty: false, write: (l) => lines.push(l) });
    log.debug('hidden');
    log.info('hidden');
    log.warn('shown', { count: 2 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'shown', count: 2 });
  });
});
