import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { DEFAULT_URL, parseProfileFile, resolveSettings } from './settings.ts';

const file = { profiles: { default: { url: 'http://file:1', apiKey: 'hk_file' }, staging: { url: 'https://staging.example/', apiKey: 'hk_staging', adminToken: 'adm' } } };

describe('settings: flags, then environment, then profile', () => {
  it('takes the default profile, the default URL when nothing is set', () => {
    expect(resolveSettings({ flags: {}, env: {}, file })).toMatchObject({ url: 'http://file:1', apiKey: 'hk_file', profile: 'default' });
    expect(resolveSettings({ flags: {}, env: {}, file: undefined })).toEqual({ url: DEFAULT_URL, apiKey: undefined, adminToken: undefined, app: undefined, profile: 'default' });
  });

  it('lets the environment win over the profile and flags win over both', () => {
    const env = { HOOKLINE_URL: 'http://env:2', HOOKLINE_API_KEY: 'hk_env', HOOKLINE_PROFILE: 'staging' };
    expect(resolveSettings({ flags: {}, env, file })).toEqual({ url: 'http://env:2', apiKey: 'hk_env', adminToken: 'adm', app: undefined, profile: 'staging' });
    expect(resolveSettings({ flags: { apiKey: 'hk_flag', profile: 'default' }, env, file })).toMatchObject({ url: 'http://env:2', apiKey: 'hk_flag', adminToken: undefined });
    expect(resolveSettings({ flags: { profile: 'staging' }, env: { HOOKLINE_URL: '' }, file }).url).toBe('https://staging.example');
  });

  it('takes the application from --app, then HOOKLINE_APP, then the profile', () => {
    const withApp = { profiles: { default: { apiKey: 'hk_file', app: 'acme' } } };
    expect(resolveSettings({ flags: {}, env: {}, file: withApp }).app).toBe('acme');
    expect(resolveSettings({ flags: {}, env: { HOOKLINE_APP: 'app_env' }, file: withApp }).app).toBe('app_env');
    expect(resolveSettings({ flags: { app: 'app_flag' }, env: { HOOKLINE_APP: 'app_env' }, file: withApp }).app).toBe('app_flag');
    expect(parseProfileFile(JSON.stringify(withApp), 'c.json')).toEqual(withApp);
  });

  it('refuses a named profile the file lacks, and URLs that are not http(s)', () => {
    expect(() => resolveSettings({ flags: { profile: 'prod' }, env: {}, file })).toThrow('no profile "prod" in the profile file (it has: default, staging)');
    expect(() => resolveSettings({ flags: { url: 'ftp://x' }, env: {}, file: undefined })).toThrow(UsageError);
    expect(() => resolveSettings({ flags: { url: 'nope' }, env: {}, file: undefined })).toThrow(/not a URL/);
  });

  it('checks the profile file shape', () => {
    expect(parseProfileFile(JSON.stringify(file), 'c.json')).toEqual(file);
    expect(() => parseProfileFile('{', 'c.json')).toThrow(/c.json is not JSON/);
    expect(() => parseProfileFile('{"default": {}}', 'c.json')).toThrow(/must be \{"profiles"/);
    expect(() => parseProfileFile('{"profiles": {"a": {"apikey": "x"}}}', 'c.json')).toThrow(/unknown field "apikey"/);
  });
});
