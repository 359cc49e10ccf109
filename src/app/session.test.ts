import { describe, expect, it } from 'vitest';
import { configFromUrl } from './session';

describe('configFromUrl', () => {
  it('defaults to the test pack and no forced backend', () => {
    expect(configFromUrl(new URL('http://127.0.0.1:5173/'), '/')).toEqual({ packUrl: 'http://127.0.0.1:5173/models/foley-tiny/' });
  });

  it('reads ?backend= and ?pack= relative to the base URL', () => {
    const config = configFromUrl(new URL('http://127.0.0.1/app/?backend=wasm&pack=foley-tiny'), './');
    expect(config).toEqual({ packUrl: 'http://127.0.0.1/app/models/foley-tiny/', backend: 'wasm' });
  });

  it('refuses unknown backends and odd pack ids, naming what is valid', () => {
    expect(() => configFromUrl(new URL('http://x/?backend=cuda'), '/')).toThrow('valid: webgpu, wasm');
    expect(() => configFromUrl(new URL('http://x/?pack=../etc'), '/')).toThrow('Pack id');
  });
});
