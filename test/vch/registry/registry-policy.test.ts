import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import { RegistryNotWhitelistedError } from '../../../src/vch/registry/errors.js';
import { checkRegistryAllowed, isInsecureRegistry, registryMatches } from '../../../src/vch/registry/registry-policy.js';

describe('registry whitelist and insecure registries', () => {
  it('matches hosts with any port, host:port exactly, wildcard domains and IPv4 CIDRs', () => {
    expect(registryMatches('myreg.local:5000', ['myreg.local'])).toBe(true);
    expect(registryMatches('myreg.local:5000', ['myreg.local:5000'])).toBe(true);
    expect(registryMatches('myreg.local:5001', ['myreg.local:5000'])).toBe(false);
    expect(registryMatches('a.b.corp.example', ['*.corp.example'])).toBe(true);
    expect(registryMatches('corp.example', ['*.corp.example'])).toBe(false);
    expect(registryMatches('10.2.3.4:5000', ['10.0.0.0/8'])).toBe(true);
    expect(registryMatches('11.2.3.4:5000', ['10.0.0.0/8'])).toBe(false);
    expect(registryMatches('[::1]:5000', ['::1'])).toBe(true);
  });

  it('knows Docker Hub by all its names', () => {
    expect(registryMatches('docker.io', ['index.docker.io'])).toBe(true);
    expect(registryMatches('docker.io', ['registry-1.docker.io'])).toBe(true);
  });

  it("refuses a registry outside the whitelist with VIC's message", () => {
    const policy = { whitelist: ['myreg.local:5000'] };
    expect(() => checkRegistryAllowed(policy, '127.0.0.1:5000')).toThrow(RegistryNotWhitelistedError);
    expect(() => checkRegistryAllowed(policy, '127.0.0.1:5000')).toThrow(
      'Access denied to unauthorized registry (127.0.0.1:5000) while VCH is in whitelist mode',
    );
    expect(() => checkRegistryAllowed(policy, 'docker.io')).toThrow(RegistryNotWhitelistedError);
  });

  it('allows every registry without a whitelist, and insecure registries in whitelist mode', () => {
    expect(() => checkRegistryAllowed({}, 'docker.io')).not.toThrow();
    expect(() => checkRegistryAllowed({ whitelist: [], insecureRegistries: ['127.0.0.1:5000'] }, '127.0.0.1:5000')).not.toThrow();
  });

  it('uses plain HTTP only for configured insecure registries', () => {
    expect(isInsecureRegistry({ insecureRegistries: ['127.0.0.1:5000'] }, '127.0.0.1:5000')).toBe(true);
    expect(isInsecureRegistry({}, '127.0.0.1:5000')).toBe(false);
  });

  it('refuses a malformed CIDR entry', () => {
    expect(() => registryMatches('10.0.0.1', ['10.0.0.0/40'])).toThrow(InvalidArgumentError);
  });
});
