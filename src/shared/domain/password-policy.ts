/**
 * Password rules chosen for 等保2.0 三级 (GB/T 22239-2019 8.1.4.1): at least 8 characters drawn from
 * at least 3 of the 4 classes (upper case, lower case, digits, symbols), not a common password,
 * not the account name; long pass-phrases allowed (see docs/decisions/003-accounts-and-auth.md).
 */
export const passwordMinLength = 8;
export const passwordMaxLength = 128;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_few_classes' | 'common' | 'contains_username';

// The most common passwords in leaked lists, including Chinese favourites; compared case-insensitively.
const commonPasswords = new Set([
  '12345678', '123456789', '1234567890', '87654321', '11111111', '88888888', '66666666', '00000000',
  'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'p@ssword1', 'p@ssw0rd1',
  'qwerty123', 'qwertyuiop', 'qwer1234', 'asdf1234', 'zxcv1234', '1qaz2wsx', '1qaz@wsx', '1q2w3e4r',
  '1q2w3e4r5t', 'abc12345', 'abcd1234', 'abc@1234', 'abc123456', 'a1234567', 'a12345678', 'aa123456',
  'admin123', 'admin@123', 'admin1234', 'administrator', 'root1234', 'woaini1314', 'woaini520',
  'iloveyou', 'iloveyou1', 'welcome1', 'welcome123', 'letmein1', 'changeme', 'changeme1', 'huiju123',
  'huiju@123', 'test1234', 'test@123', 'qwe123456', 'qq123456', 'zhang123', 'wang1234', 'li123456',
  'aa112233', 'a123456789', 'abcdefg1', 'abcdefgh', 'password!', 'p@55w0rd', 'admin@2024', 'admin@2025',
  'admin@2026', 'huiju@2026', 'kexie123', 'kexie@123', 'cast1234', 'cast@123',
]);

function characterClasses(password: string): number {
  return [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

export function checkPassword(password: string, username?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < passwordMinLength) problems.push('too_short');
  if (length > passwordMaxLength) problems.push('too_long');
  if (characterClasses(password) < 3) problems.push('too_few_classes');
  if (commonPasswords.has(password.toLowerCase())) problems.push('common');
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push('contains_username');
  }
  return problems;
}
