import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { chooseReadSource, isConnectionError, isStandbyOnlyError, replicaStateOf } from './read-routing';

const now = 1_800_000_000_000;

describe('chooseReadSource', () => {
  it('reads from the replica only when it is healthy and the client has not just written', () => {
    expect(chooseReadSource({ state: 'healthy', primaryUntil: undefined, now })).toEqual({ source: 'replica', reason: 'replica' });
    expect(chooseReadSource({ state: 'healthy', primaryUntil: now - 1, now })).toEqual({ source: 'replica', reason: 'replica' });
    expect(chooseReadSource({ state: 'healthy', primaryUntil: now, now }).source).toBe('replica');
  });

  it('sends a client inside its read-your-writes window to the primary', () => {
    expect(chooseReadSource({ state: 'healthy', primaryUntil: now + 1, now })).toEqual({ source: 'primary', reason: 'own_write' });
  });

  it('falls back to the primary when the replica is absent, unmeasured, lagging or down', () => {
    expect(chooseReadSource({ state: 'none', primaryUntil: undefined, now })).toEqual({ source: 'primary', reason: 'no_replica' });
    expect(chooseReadSource({ state: 'unknown', primaryUntil: undefined, now })).toEqual({ source: 'primary', reason: 'replica_unknown' });
    expect(chooseReadSource({ state: 'lagging', primaryUntil: undefined, now })).toEqual({ source: 'primary', reason: 'replica_lagging' });
    expect(chooseReadSource({ state: 'down', primaryUntil: now - 5000, now })).toEqual({ source: 'primary', reason: 'replica_down' });
  });
});

describe('replicaStateOf', () => {
  it('is healthy up to the maximum lag, lagging beyond it or when the lag cannot be told', () => {
    expect(replicaStateOf({ inRecovery: true, lagSeconds: 0 }, 5)).toEqual({ state: 'healthy', lagSeconds: 0 });
    expect(replicaStateOf({ inRecovery: true, lagSeconds: 5 }, 5).state).toBe('healthy');
    expect(replicaStateOf({ inRecovery: true, lagSeconds: 5.01 }, 5)).toEqual({ state: 'lagging', lagSeconds: 5.01 });
    expect(replicaStateOf({ inRecovery: true, lagSeconds: null }, 5).state).toBe('lagging');
  });

  it('passes over a server that is not a standby (promoted or misconfigured)', () => {
    expect(replicaStateOf({ inRecovery: false, lagSeconds: null }, 5).state).toBe('down');
  });
});

describe('isConnectionError', () => {
  it('tells a lost or refused connection from a failing query', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' }))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });

  it('tells failures only a standby has (recovery conflict, read-only) from ordinary ones', () => {
    expect(isStandbyOnlyError(Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' }))).toBe(true);
    expect(isStandbyOnlyError(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }))).toBe(true);
    expect(isStandbyOnlyError(Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' }))).toBe(false);
    expect(isStandbyOnlyError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe(false);
  });
});

describe('configuration', () => {
  const primary = 'postgres://huiju@db1/huiju';
  it('reads DATABASE_REPLICA_URL with DATABASE_URL, the maximum lag and a read-your-writes window of lag + 2 s', () => {
    const config = loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'postgresql://huiju@db2/huiju' });
    expect(config.replicaUrl).toBe('postgresql://huiju@db2/huiju');
    expect(config.replicaMaxLagSeconds).toBe(5);
    expect(config.replicaStickySeconds).toBe(7);
    const tuned = loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: primary, HUIJU_REPLICA_MAX_LAG_SECONDS: '1.5', HUIJU_REPLICA_STICKY_SECONDS: '10' });
    expect([tuned.replicaMaxLagSeconds, tuned.replicaStickySeconds]).toEqual([1.5, 10]);
    expect(loadConfig({}).replicaUrl).toBeUndefined();
  });

  it('refuses a replica without DATABASE_URL, and a bad URL or lag, naming the variable', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URL: 'postgres://huiju@db2/huiju' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_REPLICA_URL: 'postgres://huiju@db2/huiju' })).toThrow(/DATABASE_REPLICA_URL: only allowed together with DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'mysql://db2' })).toThrow(/DATABASE_REPLICA_URL: must start with postgres/);
    expect(() => loadConfig({ HUIJU_REPLICA_MAX_LAG_SECONDS: '-1' })).toThrow(/HUIJU_REPLICA_MAX_LAG_SECONDS/);
  });
});
