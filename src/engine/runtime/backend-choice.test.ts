import { describe, expect, it } from 'vitest';
import { chooseBackend, softwareRenderer, type AdapterFacts } from './backend-choice';

/** What Chromium 156 reports for SwiftShader under --enable-unsafe-webgpu (read from GPUAdapter.info on this machine). */
const SWIFTSHADER: AdapterFacts = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true };
const HARDWARE: AdapterFacts = { vendor: 'nvidia', architecture: 'ada', device: '', description: '', isFallbackAdapter: false };

describe('softwareRenderer', () => {
  it('names software rasterisers from any adapter field or the fallback flag', () => {
    expect(softwareRenderer(SWIFTSHADER)).toBe('SwiftShader');
    expect(softwareRenderer({ ...HARDWARE, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe('llvmpipe');
    expect(softwareRenderer({ ...HARDWARE, description: 'Microsoft Basic Render Driver' })).toBe('Microsoft Basic Render Driver');
    expect(softwareRenderer({ ...HARDWARE, isFallbackAdapter: true })).toBe('a fallback adapter');
    expect(softwareRenderer(HARDWARE)).toBeNull();
    // A word merely containing a marker is not one.
    expect(softwareRenderer({ ...HARDWARE, description: 'Warpspeed 9000' })).toBeNull();
  });
});

describe('chooseBackend', () => {
  it('prefers WASM over a software WebGPU adapter and says why', () => {
    const choice = chooseBackend(undefined, { kind: 'adapter', facts: SWIFTSHADER });
    expect(choice.order).toEqual(['wasm', 'webgpu']);
    expect(choice.reason).toMatch(/^Automatic: WebGPU here is SwiftShader, a software renderer/);
  });

  it('uses a hardware adapter, falling back to WASM', () => {
    expect(chooseBackend(undefined, { kind: 'adapter', facts: HARDWARE })).toEqual({ order: ['webgpu', 'wasm'], reason: 'Automatic: WebGPU on nvidia ada' });
  });

  it('runs on WASM without WebGPU or an adapter', () => {
    expect(chooseBackend(undefined, { kind: 'no-api' }).order).toEqual(['wasm']);
    expect(chooseBackend(undefined, { kind: 'no-adapter' }).reason).toMatch(/no WebGPU adapter/);
  });

  it('obeys a request, only noting a software adapter', () => {
    expect(chooseBackend('webgpu', { kind: 'adapter', facts: SWIFTSHADER })).toEqual({
      order: ['webgpu'],
      reason: 'WebGPU as requested; WebGPU here is SwiftShader, a software renderer, usually slower than WASM',
    });
    expect(chooseBackend('wasm', { kind: 'adapter', facts: HARDWARE })).toEqual({ order: ['wasm'], reason: 'WASM as requested' });
  });
});
