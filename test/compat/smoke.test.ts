import { useCompat } from '../helpers/compat';

describe('compat harness', () => {
  const h = useCompat();
  it('answers PING, unknown commands and arity errors as Redis does', async () => {
    const { ferrous, redis } = await h.both([['PING'], ['PING', 'x'], ['NOSUCH', 'a', 'b'], ['GET']]);
    expect(ferrous).toEqual(redis);
  });
});
