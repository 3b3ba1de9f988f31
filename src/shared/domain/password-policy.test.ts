import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy';

describe('checkPassword', () => {
  it.each([
    ['Abcdef1!', []],
    ['abcdefg1!', []],
    ['ABCDEFG12', ['too_few_classes']],
    ['Ab1!', ['too_short']],
    ['abcdefgh', ['too_few_classes', 'common']],
    ['P@ssw0rd', ['common']],
    ['Admin@123', ['common']],
    ['张三的密码Abc123', []],
    ['x'.repeat(129) + 'A1', ['too_long']],
    ['Correct horse battery staple 2026', []],
  ] as const)('%s → %j', (password, problems) => {
    expect(checkPassword(password)).toEqual(problems);
  });

  it('refuses a password containing the user name', () => {
    expect(checkPassword('Nanjing@2026', 'nanjing')).toEqual(['contains_username']);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPassword('科协科协Ab1')).toEqual(['too_short']);
  });
});
