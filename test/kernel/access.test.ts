import { passwordHash, passwordMatches, PasswordAccess } from '../../kernel/access';
import type { Client } from '../../kernel/client';

describe('passwords', () => {
  it('are stored as SHA-256 hex and matched against it', () => {
    // SHA-256 of "secret".
    expect(passwordHash('secret')).toBe('2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b');
    expect(passwordMatches('secret', passwordHash('secret'))).toBe(true);
    expect(passwordMatches('Secret', passwordHash('secret'))).toBe(false);
    expect(passwordMatches('', passwordHash('secret'))).toBe(false);
    // Binary passwords: every byte counts.
    expect(passwordMatches('a\x00b\xff', passwordHash('a\x00b\xff'))).toBe(true);
    expect(passwordMatches('a\x00b\xfe', passwordHash('a\x00b\xff'))).toBe(false);
    // A malformed stored hash never matches (and does not throw).
    expect(passwordMatches('secret', 'abc')).toBe(false);
  });

  it("the kernel's access control keeps requirepass only as its hash", () => {
    const access = new PasswordAccess();
    access.requirePass('hunter2');
    expect(JSON.stringify(access)).not.toContain('hunter2');
    expect(access.defaultNoPass).toBe(false);
    const c = { user: '', authenticated: false } as Client;
    access.connect(c);
    expect(c).toMatchObject({ user: 'default', authenticated: false });
    expect(access.authenticate(c, 'default', 'wrong', 'auth')).toBe(false);
    expect(access.authenticate(c, 'other', 'hunter2', 'auth')).toBe(false);
    expect(c.authenticated).toBe(false);
    expect(access.authenticate(c, 'default', 'hunter2', 'auth')).toBe(true);
    expect(c).toMatchObject({ user: 'default', authenticated: true });
    access.requirePass('');
    expect(access.defaultNoPass).toBe(true);
    access.connect(c);
    expect(c.authenticated).toBe(true);
  });
});
