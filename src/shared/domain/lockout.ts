/** Sign-in lockout (等保2.0 三级, 登录失败处理): 5 failures within 15 minutes lock the account for 30. */
export const lockoutPolicy = { maxFailures: 5, windowMinutes: 15, lockMinutes: 30 } as const;

export function lockedUntilAfterFailure(failuresInWindow: number, now: Date): Date | null {
  return failuresInWindow >= lockoutPolicy.maxFailures ? new Date(now.getTime() + lockoutPolicy.lockMinutes * 60_000) : null;
}
