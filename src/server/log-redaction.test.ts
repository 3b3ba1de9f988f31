import { describe, expect, it } from 'vitest';
import { redactLogText, redactUrl, serializeError } from './log-redaction';

describe('log redaction', () => {
  it.each([
    ['/api/v1/units/search?q=13812345678&limit=5', '/api/v1/units/search?q=*&limit=*'],
    ['/api/v1/public/showcase/signups/K7Q2X9AB/cancel', '/api/v1/public/showcase/signups/*/cancel'],
    ['/api/v1/files/0f8fad5b-d9cb-469f-a165-70867728950e', '/api/v1/files/0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['/api/v1/collection-tasks/12/files.zip', '/api/v1/collection-tasks/12/files.zip'],
    ['/showcase/南京市科协', '/showcase/*'],
    ['/api/v1/units?zh%E5%90%8D=x', '/api/v1/units?*=*'],
  ])('masks %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('masks e-mails, phone and ID numbers, quoted values and Chinese text, keeping identifiers', () => {
    expect(redactLogText('mail to zhang.san+x@njast.org.cn failed')).toBe('mail to [email] failed');
    expect(redactLogText('call 138 1234 5678 or 025-84000000; id 32010219900101123X')).toBe('call [digits] or [digits]; id [digits]X');
    expect(redactLogText('invalid input syntax for type integer: "abc def"')).toBe('invalid input syntax for type integer: "[value]"');
    expect(redactLogText('duplicate key value violates unique constraint "users_email_key"')).toBe('duplicate key value violates unique constraint "users_email_key"');
    expect(redactLogText('Key (mobile)=(13700137000) already exists')).toBe('Key (mobile)=([value]) already exists');
    expect(redactLogText('address 南京市玄武区北京东路1号 refused')).toBe('address [text]1[text] refused');
    expect(redactLogText('port 5432, 3 rows')).toBe('port 5432, 3 rows');
  });

  it('logs an error without its driver detail', () => {
    const error = Object.assign(new Error('failed for 13700137000'), { code: '23505', constraint: 'users_mobile_key', detail: 'Key (mobile)=(13700137000)', where: 'x' });
    const logged = serializeError(error);
    expect(logged).toMatchObject({ type: 'Error', message: 'failed for [digits]', code: '23505', constraint: 'users_mobile_key' });
    expect(JSON.stringify(logged)).not.toContain('13700137000');
    expect(logged).not.toHaveProperty('detail');
  });
});
